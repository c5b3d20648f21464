"""The benchmarks run end to end on a tiny enterprise and report every section.

Only completeness is checked here, never timings: the numbers come from `python -m
benchmarks` on a real scale.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.run import CASES, Config, run, write_json


def test_a_tiny_run_reports_every_section(tmp_path: Path) -> None:
    config = Config(
        scale=0.01, samples=5, clients=(1, 2), concurrency_seconds=0.5, round_trip_sizes=(1, 3)
    )
    report = run(config)
    sections = report.sections
    assert set(sections) == {"generate", "load", "queries", "round_trips", "concurrency", "memory"}

    counts = sections["generate"]["counts"]
    for attempt in ("first", "again"):
        load = sections["load"][attempt]
        # every generated node and relationship was written
        labels = {k: v for k, v in counts.items() if not k.isupper()}
        assert load["nodes"] == sum(labels.values())
        assert load["relationships"] == sum(v for k, v in counts.items() if k.isupper())
        assert load["loader_peak_mb"] > 0
        assert set(load["phases_s"]) == {"read", "nodes", "relationships", "finish"}
    assert sections["load"]["first"]["totals"]["unchanged"] == 0
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

    assert sections["memory"]["engine_mb"]["rss"] > 0
    assert sections["memory"]["api_mb"]["rss"] > 0

    out = tmp_path / "report.json"
    write_json(report, out)
    assert json.loads(out.read_text())["config"]["scale"] == 0.01
