"""`cxgraph query` and `cxgraph cypher` as an analyst runs them, on the real embedded engine
holding the demo company (the session's engine, reused as a second cxgraph process would)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from typer.testing import CliRunner, Result

from loaders.cli import app
from loaders.query_cli import READ_ONLY_ENV, ConsoleState, interactive
from queries.console import to_json
from queries.registry import all_queries
from queries.settings import get_store_settings
from queries.store import GraphStore
from tests.conftest import short_tmp_dir

runner = CliRunner(env={"COLUMNS": "200"})

TWO_TEAMS = (
    "MATCH (t:Team) WHERE t.id IN ['team-web', 'team-cx'] "
    "RETURN t.id AS id, t.name AS name, t.kind AS kind ORDER BY id"
)
# minutes of work for the engine, stopped by a short timeout
LONG = "MATCH (a), (b), (c) WHERE a.id < b.id AND b.id < c.id RETURN count(*) AS n"


@pytest.fixture
def demo_env(
    demo_store: GraphStore, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The command pointed at the session's engine and its demo graph."""
    monkeypatch.setenv("CXGRAPH_DATA_DIR", str(demo_dir))
    monkeypatch.setenv("CXGRAPH_GRAPH", "demo")
    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    get_store_settings.cache_clear()
    yield
    get_store_settings.cache_clear()


@pytest.fixture
def fresh_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The command pointed at an engine of its own, with an empty graph to write to."""
    path = short_tmp_dir("cxg-qcli-")
    monkeypatch.setenv("CXGRAPH_DATA_DIR", str(path))
    monkeypatch.setenv("CXGRAPH_GRAPH", "qcli")
    monkeypatch.delenv(READ_ONLY_ENV, raising=False)
    get_store_settings.cache_clear()
    yield path
    get_store_settings.cache_clear()
    shutil.rmtree(path, ignore_errors=True)


def cxgraph(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def one_line_error(result: Result) -> str:
    """The error a failed command printed: one line on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def test_query_list_names_each_query_with_its_mode_and_purpose(demo_env: None) -> None:
    listed = cxgraph("query", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert re.fullmatch(
        r"graph/is_empty +read +Whether the graph holds any node at all "
        r"\(used before loading the demo data\)\.",
        next(line for line in lines if line.startswith("graph/is_empty ")),
    )
    assert re.search(r"^feedback/measure +read +Monthly CSAT, NPS and CES", listed.stdout, re.M)
    assert re.search(r"^change/link_pain_point +write +Say that pain point", listed.stdout, re.M)
    files = sorted(name for name, q in all_queries().items() if q.path is not None)
    assert [line.split()[0] for line in lines] == files
    everything = cxgraph("query", "list", "--all")
    assert re.search(r"^get/node/Team +read ", everything.stdout, re.M)
    assert re.search(r"^upsert/node/Team +write ", everything.stdout, re.M)


def test_query_show_prints_the_file_as_it_is(demo_env: None) -> None:
    shown = cxgraph("query", "show", "graph/is_empty")
    assert shown.exit_code == 0, shown.output
    path = all_queries()["graph/is_empty"].path
    assert path is not None
    assert shown.stdout == path.read_text(encoding="utf-8")


def test_query_run_in_each_format(demo_env: None) -> None:
    as_table = cxgraph("query", "run", "graph/is_empty")
    assert as_table.exit_code == 0, as_table.output
    assert as_table.stdout == "empty\n-----\nfalse\n"
    assert cxgraph("query", "run", "graph/is_empty", "--format", "csv").stdout == "empty\nfalse\n"
    as_json = cxgraph("query", "run", "graph/is_empty", "--format", "json")
    assert as_json.stdout == '[\n  {\n    "empty": false\n  }\n]\n'


async def test_query_run_takes_json_parameters_and_prints_the_rows(
    demo_env: None, demo_store: GraphStore
) -> None:
    params = {"ids": ["pp-switch-hidden-fees"]}
    # the command runs its own event loop: in a thread, beside the session's
    result = await asyncio.to_thread(
        cxgraph,
        "query",
        "run",
        "painpoint/affecting_teams",
        "--param",
        f"ids={json.dumps(params['ids'])}",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = await demo_store.read("painpoint/affecting_teams", params)
    assert json.loads(result.stdout) == json.loads(to_json(rows))
    assert {"Web & CMS", "Commercial"} <= {row["team"]["name"] for row in rows}


def test_cypher_prints_an_exact_table(demo_env: None) -> None:
    result = cxgraph("cypher", "-e", TWO_TEAMS)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "id        name                 kind\n"
        "--------  -------------------  --------\n"
        "team-cx   Customer Experience  division\n"
        "team-web  Web & CMS            team\n"
    )


def test_cypher_reports_a_cut_result(demo_env: None) -> None:
    result = cxgraph(
        "cypher", "-e", "UNWIND range(1, 5) AS x RETURN x", "--limit", "3", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "x\n1\n2\n3\n"
    assert "only the first 3 rows are shown: the query has more" in result.stderr
    whole = cxgraph("cypher", "-e", "UNWIND range(1, 5) AS x RETURN x", "--limit", "5")
    assert "only the first" not in whole.stderr


def test_cypher_runs_a_file_and_stdin_statement_by_statement(
    demo_env: None, tmp_path: Path
) -> None:
    script = tmp_path / "two.cypher"
    script.write_text(
        "// how many teams; and a string with a ;\n"
        "MATCH (t:Team) RETURN count(t) AS teams;\n"
        "RETURN 'a;b' AS text; /* the end; */\n",
        encoding="utf-8",
    )
    from_file = cxgraph("cypher", "-f", str(script), "--format", "csv")
    assert from_file.exit_code == 0, from_file.output
    assert from_file.stdout == "teams\n27\n\ntext\na;b\n"
    piped = cxgraph("cypher", "--format", "csv", stdin=script.read_text(encoding="utf-8"))
    assert piped.exit_code == 0, piped.output
    assert piped.stdout == from_file.stdout


def test_cypher_writes_to_a_file(demo_env: None, tmp_path: Path) -> None:
    target = tmp_path / "teams.json"
    result = cxgraph("cypher", "-e", TWO_TEAMS, "--format", "json", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert [row["id"] for row in json.loads(target.read_text(encoding="utf-8"))] == [
        "team-cx",
        "team-web",
    ]


def test_a_write_is_refused_in_one_line_saying_where(demo_env: None, tmp_path: Path) -> None:
    refused = cxgraph("cypher", "-e", "MATCH (n) DETACH DELETE n")
    assert one_line_error(refused) == (
        "error: refused at line 1, column 11: DETACH writes to the graph; only reads are "
        "allowed (a name spelled like it needs backticks: `DETACH`)\n"
    )
    script = tmp_path / "sneaky.cypher"
    script.write_text("RETURN 1 AS one;\n\nMATCH (t:Team)\n  SET t.name = 'x';\n", "utf-8")
    in_file = cxgraph("cypher", "-f", str(script))
    assert in_file.exit_code == 1
    assert "error: refused at line 4, column 3: SET writes to the graph" in in_file.stderr
    assert in_file.stdout == "one\n---\n  1\n"  # the statements before it ran
    named = cxgraph("query", "run", "change/link_pain_point")
    assert "change/link_pain_point is not a read-only query: CREATE writes" in one_line_error(named)


def test_engine_errors_and_mistakes_are_one_line(demo_env: None) -> None:
    unknown_function = cxgraph("cypher", "-e", "RETURN nosuchfunction(1) AS x")
    assert "nosuchfunction" in one_line_error(unknown_function)
    timed_out = cxgraph("cypher", "-e", LONG, "--timeout", "0.05")
    assert "timed out" in one_line_error(timed_out)
    unknown_query = cxgraph("query", "run", "nope/nothing")
    assert one_line_error(unknown_query) == (
        "error: no query named 'nope/nothing'; `cxgraph query list` lists them\n"
    )
    missing = cxgraph("query", "run", "painpoint/affecting_teams")
    assert one_line_error(missing) == "error: refused: missing parameter $ids\n"
    bad_param = cxgraph("query", "run", "graph/is_empty", "--param", "novalue")
    assert bad_param.exit_code == 2
    assert "expected NAME=VALUE" in bad_param.output
    bad_format = cxgraph("cypher", "-e", "RETURN 1", "--format", "xml")
    assert bad_format.exit_code == 2
    assert "unknown format 'xml'" in bad_format.output


def test_write_mode_writes_unless_the_environment_is_read_only(
    fresh_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = "CREATE (t:Team {id: $id, name: 'New'}) RETURN t.id AS id"
    written = cxgraph("cypher", "--write", "-e", create, "--param", "id=team-new")
    assert written.exit_code == 0, written.output
    assert written.stdout == "id\n--------\nteam-new\n"
    assert "nodes created: 1" in written.stderr
    read = cxgraph("cypher", "-e", "MATCH (t:Team) RETURN t.name AS name", "--format", "csv")
    assert read.stdout == "name\nNew\n"

    monkeypatch.setenv(READ_ONLY_ENV, "1")
    refused = cxgraph("cypher", "--write", "-e", create, "--param", "id=team-other")
    assert one_line_error(refused) == f"error: --write is disabled here ({READ_ONLY_ENV}=1)\n"


async def test_the_interactive_console(
    demo_store: GraphStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "data" / "cypher_history"
    typed = (
        "MATCH (t:Team)\r"  # no ; yet: Enter starts a new line
        "WHERE t.id = 'team-web'\r"
        "RETURN t.name AS name;\r"
        ":format csv\r"
        ":param x=[1, 2]\r"
        "RETURN $x AS x, 'a;b' AS s;\r"
        "MATCH (n) DELETE n;\r"
        ":limit 2\r"
        "UNWIND range(1, 3) AS i RETURN i;\r"
        ":quit\r"
    )
    with create_pipe_input() as keyboard:
        keyboard.send_text(typed)
        state = ConsoleState()
        await interactive(
            demo_store,
            state,
            history=history,
            terminal_input=keyboard,
            terminal_output=DummyOutput(),
        )
    captured = capsys.readouterr()
    assert captured.out == (
        "name\n---------\nWeb & CMS\n"  # a table until :format csv
        'x,s\n"[1, 2]",a;b\n'
        "i\n1\n2\n"
    )
    assert "error: refused at line 1, column 11: DELETE writes to the graph" in captured.err
    assert "only the first 2 rows are shown" in captured.err
    assert state.params == {"x": [1, 2]}
    saved = history.read_text(encoding="utf-8")
    assert "+MATCH (t:Team)\n+WHERE t.id = 'team-web'\n+RETURN t.name AS name;" in saved
