"""The benchmarks run end to end on a tiny enterprise and report every section.

Only completeness is checked here, never timings: the numbers come from `python -m
benchmarks` on a real scale.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmarks.run import CASES, Config, run, write_json


def test_a_tiny_run_reports_every_section(tmp_path: Path) -> None:
    config = Config(
        scale=0.01,
        samples=5,
        clients=(1, 2),
        concurrency_seconds=0.5,
        round_trip_sizes=(1, 3),
        page_samples=1,
    )
    report = run(config)
    sections = report.sections
    assert set(sections) == {
        "generate", "engine_reference", "load", "queries", "round_trips", "concurrency", "memory",
        "reused", "pages",
    }  # fmt: skip

    reference = sections["engine_reference"]
    # 2,000 customers with a persona and a segment each, 1,800 feedback given by customers
    assert (reference["nodes"], reference["relationships"]) == (24 + 8 + 2000 + 1800, 5800)
    for speeds in (reference["per_s"], reference["engine_per_s"]):
        assert speeds["nodes"] > 0
        assert speeds["relationships"] > 0

    counts = sections["generate"]["counts"]
    for attempt in ("first", "again", "first_in_steps"):
        load = sections["load"][attempt]
        # every generated node and relationship was written
        labels = {k: v for k, v in counts.items() if not k.isupper()}
        assert load["nodes"] == sum(labels.values())
        assert load["relationships"] == sum(v for k, v in counts.items() if k.isupper())
        assert load["loader_peak_mb"] > 0
        assert set(load["phases_s"]) <= {"write", "derive", "finish"}
        assert {"write", "finish"} <= set(load["phases_s"])
        assert 0 < load["load_s"] <= load["wall_s"]
        assert load["target_s"] == pytest.approx(
            load["nodes"] / 50_000 + load["relationships"] / 75_000, abs=0.01
        )
        assert load["engine_merge_s"] == pytest.approx(
            load["nodes"] / reference["per_s"]["nodes"]
            + load["relationships"] / reference["per_s"]["relationships"],
            abs=0.01,
        )
    assert sections["load"]["first"]["totals"]["unchanged"] == 0
    # in steps, into a graph of its own: the same load, all new again
    assert sections["load"]["first_in_steps"]["totals"] == sections["load"]["first"]["totals"]
    # loading the same files again finds everything unchanged
    again = sections["load"]["again"]["totals"]
    assert again["created"] == again["updated"] == again["deleted"] == 0

    assert set(sections["queries"]) == {case.query for case in CASES}
    for name, result in sections["queries"].items():
        for side in ("engine_ms", "store_ms", "api_ms", "api_engine_ms"):
            assert result[side]["n"] == config.samples, name
            assert result[side]["median"] >= 0, name
        assert result["api_ms"]["median"] > 0, name

    (sizes,) = sections["round_trips"].values()
    assert set(sizes) == {"1", "3"}
    assert len(set(sizes.values())) == 1  # round trips do not grow with the number asked

    mix = sum(case.label is not None for case in CASES)
    assert set(sections["concurrency"]) == {
        "affecting teams, 1",
        "affecting teams, 2",
        f"mix of {mix}, 2",
    }
    for step in sections["concurrency"].values():
        assert step["requests"] > 0
        assert step["errors"] == 0
        assert 1 <= step["client_processes"] <= 2

    # asked again, every answer is the one kept from the first time
    assert set(sections["reused"]["questions"]) == {case.query for case in CASES}
    for name, result in sections["reused"]["questions"].items():
        assert result["reused_share"] == 1.0, name
        assert result["first_ms"]["n"] == result["again_ms"]["n"] > 0, name
    assert set(sections["reused"]["concurrency"]) == {"affecting teams, 1", "affecting teams, 2"}
    for step in sections["reused"]["concurrency"].values():
        assert step["requests"] > 0
        assert step["errors"] == 0

    # every kind of page was shown whole (benchmarks/pages.py has its own test)
    assert sections["pages"]["pages"]
    for name, page in sections["pages"]["pages"].items():
        assert page["states"] == {"ready": 1}, name

    assert sections["memory"]["engine_mb"]["rss"] > 0
    assert sections["memory"]["api_mb"]["rss"] > 0

    assert report.seconds > 0
    out = tmp_path / "report.json"
    write_json(report, out)
    assert json.loads(out.read_text())["config"]["scale"] == 0.01


@pytest.mark.neo4j
@pytest.mark.skipif(
    not (os.environ.get("NEO4J_URI") and os.environ.get("NEO4J_BENCH_DATABASE")),
    reason="NEO4J_URI and NEO4J_BENCH_DATABASE (an empty database the benchmarks may fill) "
    "are not set",
)
def test_neo4j_is_measured_side_by_side() -> None:
    config = Config(
        scale=0.01,
        samples=3,
        clients=(1,),
        concurrency_seconds=0.5,
        round_trip_sizes=(1, 3),
        page_samples=0,
        neo4j=True,
        neo4j_database=os.environ["NEO4J_BENCH_DATABASE"],
    )
    report = run(config)
    assert report.neo4j is not None
    assert set(report.neo4j) == {"load", "queries", "round_trips", "concurrency", "memory"}
    assert report.neo4j["load"]["first"]["nodes"] == report.sections["load"]["first"]["nodes"]
    again = report.neo4j["load"]["again"]["totals"]
    assert again["created"] == again["updated"] == again["deleted"] == 0
    assert set(report.neo4j["queries"]) == {case.query for case in CASES}
    for step in report.neo4j["concurrency"].values():
        assert step["requests"] > 0
        assert step["errors"] == 0
    # nested questions take as few engine round trips on Neo4j
    (ours,) = report.sections["round_trips"].values()
    (theirs,) = report.neo4j["round_trips"].values()
    assert ours == theirs
