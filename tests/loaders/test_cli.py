"""The `cxgraph` command as a user runs it, on a real embedded engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loaders.cli import app
from queries.falkor import FalkorStore
from queries.settings import get_store_settings

runner = CliRunner(env={"COLUMNS": "200"})  # no wrapping inside error boxes


def test_load_report_runs_and_export(data_dir: Path, tmp_path: Path) -> None:
    first = runner.invoke(app, ["load", "demo", "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["changed"] is True
    assert summary["nodes"]["Team"]["created"] == 27

    again = runner.invoke(app, ["load", "demo"])
    assert again.exit_code == 0, again.output
    assert "Nothing changed" in again.stdout

    runs = runner.invoke(app, ["runs", "--json"])
    (run,) = json.loads(runs.stdout)
    assert run["id"] == summary["run"]

    out = tmp_path / "graph.jsonl"
    exported = runner.invoke(app, ["export", "json", str(out)])
    assert exported.exit_code == 0, exported.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines if json.loads(line).get("label") == "Team") == 27


def test_bad_files_are_reported_with_their_place_and_exit_code_2(
    data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "teams.csv"
    bad.write_text("id,name,kind\nteam-a,A,squad\nteam-b,B,team\nteam-b,C,team\n", encoding="utf-8")
    result = runner.invoke(app, ["load", "teams", str(bad)])
    assert result.exit_code == 2
    assert "Nothing was loaded: 2 problem(s)" in result.stderr
    assert (
        f"{bad}:2: field 'kind': expected one of division, department, team (got 'squad')"
        in result.stderr
    )
    assert f"{bad}:4: field 'id': duplicate Team id, first given at {bad}:3" in result.stderr


def test_usage_mistakes_say_what_to_do(data_dir: Path, tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["load", "teamz", str(tmp_path)])
    assert unknown.exit_code == 2
    assert "unknown kind 'teamz'" in unknown.output
    missing = runner.invoke(app, ["load", "teams", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    assert "is not a file" in missing.output


def test_invalid_settings_give_one_clear_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXGRAPH_ENGINE", "neo4j")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    get_store_settings.cache_clear()
    result = runner.invoke(app, ["runs"])
    assert result.exit_code == 1
    assert "CXGRAPH_ENGINE=neo4j needs NEO4J_URI" in result.stderr


def test_a_load_in_steps_copies_nothing_and_recover_says_what_it_did(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_copy(*_: object) -> None:
        raise AssertionError("a load in steps writes to the graph itself")

    monkeypatch.setattr(FalkorStore, "copy_to", no_copy)
    loaded = runner.invoke(app, ["load", "demo", "--in-steps", "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["nodes"]["Team"]["created"] == 27

    bad = tmp_path / "teams.csv"
    bad.write_text("id,name,kind\nteam-web,Web,team\nteam-a,A,squad\n", encoding="utf-8")
    failed = runner.invoke(app, ["load", "teams", str(bad), "--in-steps"])
    assert failed.exit_code == 2
    recovered = runner.invoke(app, ["recover"])
    assert recovered.exit_code == 0, recovered.output
    assert "Nothing to recover" in recovered.stdout
