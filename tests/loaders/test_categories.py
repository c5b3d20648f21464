"""Category maps: export categories translated to pain-point categories before feedback is
linked; read from YAML or CSV; mistakes located; applied by `load feedback --category-map`
and by `load all` from the directory."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loaders.categories import read_category_map
from loaders.cli import app
from loaders.export import export_json
from loaders.pipeline import DEMO_DIR, Source, load
from loaders.records import LoadFailed, Origin
from queries.falkor import FalkorStore
from queries.generated import rel_query
from tests.loaders.conftest import write
from tests.loaders.test_feedback import pain_points_at

FEEDBACK = DEMO_DIR / "feedback.csv"
MAP = {"wait-time": "expectation-setting", "staff-attitude": "handoff", "how-to": "support-access"}
MAP_YAML = """\
# export category: pain-point category
wait-time: expectation-setting
staff-attitude: handoff
how-to: support-access
"""
MAP_CSV = """\
export_category,pain_point_category
wait-time,expectation-setting
staff-attitude,handoff
how-to,support-access
"""


def feedback_rows() -> list[dict[str, str]]:
    with FEEDBACK.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_links(categories: dict[str, str]) -> set[tuple[str, str]]:
    """Worked out from the demo files: each feedback about a touchpoint, with its category
    mapped, evidences the pain points at that touchpoint with that category."""
    at = pain_points_at()
    return {
        (row["id"], pp)
        for row in feedback_rows()
        if row["touchpoint"] and row["category"]
        for pp, category in at[row["touchpoint"]]
        if category == categories.get(row["category"], row["category"])
    }


async def evidence(store: FalkorStore) -> set[tuple[str, str]]:
    rows = await store.read(rel_query("all", "Feedback", "EVIDENCES", "PainPoint"))
    return {(row["from"], row["to"]) for row in rows}


def test_a_map_reads_the_same_from_yaml_and_csv(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAP_YAML, encoding="utf-8")
    (tmp_path / "map.csv").write_text(MAP_CSV, encoding="utf-8")
    assert read_category_map(tmp_path / "map.yaml").categories == MAP
    assert read_category_map(tmp_path / "map.csv").categories == MAP


def test_yaml_keys_and_values_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text('yes: "on"\n2026-01-01: 1.50\n" Billing ": billing-accuracy\n')
    assert read_category_map(path).categories == {
        "yes": "on",
        "2026-01-01": "1.50",
        "Billing": "billing-accuracy",
    }


async def test_a_map_changes_which_pain_points_feedback_evidences(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    original = await evidence(demo_store_copy)
    assert original == expected_links({})
    mapped = expected_links(MAP)
    gained = mapped - original
    # wait-time: the two about tp-biz-move-request now evidence pp-biz-move-notice, which no
    # feedback evidenced before; staff-attitude: 4 links to hand-off pain points; how-to: 1
    assert sorted(gained) == [
        ("fb-0034", "pp-biz-move-new-contract"),
        ("fb-0074", "pp-biz-move-notice"),
        ("fb-0119", "pp-switch-query-transfer"),
        ("fb-0124", "pp-biz-move-notice"),
        ("fb-0145", "pp-switch-bot-loop"),
        ("fb-0151", "pp-biz-move-new-contract"),
        ("fb-0172", "pp-bb-reschedule-runaround"),
    ]
    assert original <= mapped
    path = tmp_path / "feedback-categories.yaml"
    path.write_text(MAP_YAML, encoding="utf-8")
    categories = read_category_map(path)

    report = await load(demo_store_copy, [Source("feedback", FEEDBACK)], category_map=categories)

    assert await evidence(demo_store_copy) == mapped
    assert report.relationships["EVIDENCES"].created == 7
    assert report.relationships["EVIDENCES"].deleted == 0
    counted = Counter(row["category"] for row in feedback_rows() if row["category"])
    assert report.nodes["Feedback"].updated == sum(counted[c] for c in MAP) == 11
    assert report.category_map is not None
    assert report.category_map.mapped == 11
    assert report.category_map.unmapped == Counter(
        {c: n for c, n in counted.items() if c not in MAP}
    )
    # after the map, only unclear-message (8 rows) is no pain point's category
    pain_categories = {c for pps in pain_points_at().values() for _, c in pps}
    assert report.category_map.no_pain_point == {
        c: n for c, n in sorted(counted.items()) if MAP.get(c, c) not in pain_categories
    }
    assert report.category_map.no_pain_point == {"unclear-message": 8}
    (run,) = await demo_store_copy.read("runs/list", {"limit": 1})
    assert run["id"] == report.run_id
    assert run["sources"] == "feedback:feedback.csv,category-map:feedback-categories.yaml"

    again = await load(demo_store_copy, [Source("feedback", FEEDBACK)], category_map=categories)
    assert not again.changed

    # without the map, the export's own categories come back, and the links they make
    back = await load(demo_store_copy, [Source("feedback", FEEDBACK)])
    assert report.relationships["EVIDENCES"].created == back.relationships["EVIDENCES"].deleted
    assert back.nodes["Feedback"].updated == 11
    assert await evidence(demo_store_copy) == original


async def test_the_report_names_categories_no_pain_point_has(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("how-to: support-acess\n", encoding="utf-8")  # support-access
    report = await load(
        demo_store_copy, [Source("feedback", FEEDBACK)], category_map=read_category_map(path)
    )
    assert report.category_map is not None
    assert report.category_map.no_pain_point == {
        "staff-attitude": 6,
        "support-acess": 1,
        "unclear-message": 8,
        "wait-time": 4,
    }


@dataclass(frozen=True)
class BadMap:
    name: str
    content: str | bytes
    line: int | str
    field: str | None
    message: str


BAD_MAPS = {
    "a category mapped twice": BadMap(
        "map.yaml",
        "wait-time: delay\nhow-to: support-access\nwait-time: handoff\n",
        3,
        "wait-time",
        "this export category is mapped twice, first at line 1 (got 'wait-time')",
    ),
    "an empty pain-point category": BadMap(
        "map.yaml", "wait-time: delay\nhow-to:\n", 2, "how-to", "a category is required"
    ),
    "a list of categories": BadMap(
        "map.yaml",
        "wait-time:\n  - delay\n  - handoff\n",
        2,
        "wait-time",
        "expected one pain-point category, got a list",
    ),
    "not a mapping": BadMap(
        "map.yaml",
        "# categories\n- wait-time\n",
        2,
        None,
        "expected a mapping of export categories to pain-point categories, got a list",
    ),
    "invalid YAML": BadMap(
        "map.yaml", "wait-time: delay\nhow-to: [support\n", 3, None, "not valid YAML"
    ),
    "an empty YAML file": BadMap("map.yaml", "# nothing\n", 1, None, "the file is empty"),
    "a CSV file with other columns": BadMap(
        "map.csv",
        "from,to\nwait-time,delay\n",
        1,
        None,
        "expected the columns export_category, pain_point_category, got from, to",
    ),
    "a CSV row without a pain-point category": BadMap(
        "map.csv",
        "export_category,pain_point_category\nwait-time,delay\nhow-to, \n",
        3,
        "pain_point_category",
        "a category is required",
    ),
    "a CSV category mapped twice": BadMap(
        "map.csv",
        "export_category,pain_point_category\nwait-time,delay\nwait-time,delay\n",
        3,
        "export_category",
        "this export category is mapped twice, first at line 2",
    ),
    "a CSV file that is not UTF-8": BadMap(
        "map.csv",
        "export_category,pain_point_category\nwait-time,d\xe9lai\n".encode("latin-1"),
        2,
        None,
        "not UTF-8 text",
    ),
    "another file type": BadMap(
        "map.json", '{"wait-time": "delay"}', "?", None, "unsupported file type '.json'"
    ),
}


@pytest.mark.parametrize("case", list(BAD_MAPS), ids=list(BAD_MAPS))
async def test_a_bad_map_is_refused_where_it_is_wrong_and_changes_nothing(
    case: str, demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    bad = BAD_MAPS[case]
    path = write(tmp_path / bad.name, bad.content)
    before = tmp_path / "before.jsonl"
    await export_json(demo_store_copy, before)

    with pytest.raises(LoadFailed) as failed:
        await load(
            demo_store_copy, [Source("feedback", FEEDBACK)], category_map=read_category_map(path)
        )

    (problem,) = failed.value.problems
    assert problem.origin == Origin(str(path), bad.line, bad.field)
    assert bad.message in str(problem), problem
    after = tmp_path / "after.jsonl"
    await export_json(demo_store_copy, after)
    assert after.read_bytes() == before.read_bytes()


# --- the command ------------------------------------------------------------------------

runner = CliRunner(env={"COLUMNS": "200"})


def test_load_all_applies_the_map_of_the_directory(data_dir: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo)
    (demo / "feedback-categories.csv").write_text(MAP_CSV, encoding="utf-8")
    first = runner.invoke(app, ["load", "all", str(demo), "--json"])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["category_map"]["file"] == str(demo / "feedback-categories.csv")
    assert summary["category_map"]["mapped"] == 11
    assert summary["category_map"]["unmapped"]["unclear-message"] == 8
    assert summary["category_map"]["no_pain_point"] == {"unclear-message": 8}
    assert summary["relationships"]["EVIDENCES"]["created"] == len(expected_links(MAP)) == 132

    again = runner.invoke(app, ["load", "all", str(demo)])
    assert again.exit_code == 0, again.output
    assert "Nothing changed" in again.stdout
    assert (
        "11 feedback mapped, 141 kept as they were; no pain point has unclear-message (8)"
        in again.stdout
    )

    (demo / "feedback-categories.yaml").write_text(MAP_YAML, encoding="utf-8")
    both = runner.invoke(app, ["load", "all", str(demo)])
    assert both.exit_code == 2
    assert (
        f"{demo / 'feedback-categories.csv'}:?: a directory holds one category map" in both.stderr
    )


def test_a_bad_map_on_the_command_line_is_located(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "categories.yaml"
    bad.write_text("wait-time: delay\nwait-time: handoff\n", encoding="utf-8")
    result = runner.invoke(app, ["load", "feedback", str(FEEDBACK), "--category-map", str(bad)])
    assert result.exit_code == 2
    assert "Nothing was loaded: 1 problem(s)" in result.stderr
    assert (
        f"{bad}:2: field 'wait-time': this export category is mapped twice, first at line 1"
        in result.stderr
    )
    # refused before the engine was asked anything: not even the schema was applied
    runs = runner.invoke(app, ["runs", "--json"])
    assert runs.exit_code == 1
    assert "the graph 'cli' does not exist yet" in runs.stderr


def test_the_map_is_for_feedback_only(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP_YAML, encoding="utf-8")
    teams = runner.invoke(
        app, ["load", "teams", str(DEMO_DIR / "teams.csv"), "--category-map", str(path)]
    )
    assert teams.exit_code == 2
    assert "only for the feedback and all kinds" in teams.output
    missing = runner.invoke(
        app, ["load", "feedback", str(FEEDBACK), "--category-map", str(tmp_path / "nope.yaml")]
    )
    assert missing.exit_code == 2
    assert "is not a file" in missing.output
