"""Feedback about a touchpoint or via a channel: what it is linked to, and the monthly
measurements derived from it per touchpoint and per channel, also across newer exports and
--prune. Expected answers are worked out from the demo files, not from the queries."""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from loaders.export import export_json
from loaders.pipeline import (
    DEMO_DIR,
    Source,
    _linked_as_written,
    demo_sources,
    directory_sources,
    load,
)
from loaders.records import LoadFailed
from queries.falkor import FalkorStore
from queries.generated import node_query, rel_query
from queries.store import GraphStore

FEEDBACK = DEMO_DIR / "feedback.csv"
CHANNEL_ROWS = [
    ("fb-0211", "ch-phone"),
    ("fb-0212", "ch-chat"),
    ("fb-0213", "ch-social"),
    ("fb-0214", "ch-phone"),
    ("fb-0215", "ch-store"),
]


def feedback_rows(path: Path = FEEDBACK) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def journey_touchpoints() -> list[dict[str, Any]]:
    """Every touchpoint of the demo's journey maps, as written there."""
    found = []
    for path in sorted((DEMO_DIR / "journeys").glob("*.yaml")):
        for journey in yaml.safe_load(path.read_text(encoding="utf-8")).get("journeys", []):
            for stage in journey["stages"]:
                found += stage["touchpoints"]
    return found


def channel_of() -> dict[str, str]:
    return {tp["id"]: tp["channel"] for tp in journey_touchpoints()}


def pain_points_at() -> dict[str, list[tuple[str, str | None]]]:
    """(id, category) of the pain points occurring at each touchpoint."""
    return {
        tp["id"]: [(pp["id"], pp.get("category")) for pp in tp.get("pain_points", [])]
        for tp in journey_touchpoints()
    }


def expected_value(metric: str, scores: list[float]) -> float:
    if metric == "nps":
        return round(
            100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
        )
    return round(sum(scores) / len(scores), 2)


async def pairs(
    store: GraphStore, source: str, rel_type: str, target: str
) -> list[tuple[str, str]]:
    rows = await store.read(rel_query("all", source, rel_type, target))
    return [(row["from"], row["to"]) for row in rows]


async def test_channel_feedback_is_via_its_channel_and_evidences_nothing(
    demo_store: GraphStore,
) -> None:
    rows = feedback_rows()
    assert [(r["id"], r["channel"]) for r in rows if r["channel"]] == CHANNEL_ROWS
    assert all(not r["touchpoint"] for r in rows if r["channel"])
    assert await pairs(demo_store, "Feedback", "VIA", "Channel") == CHANNEL_ROWS
    about = {f for f, _ in await pairs(demo_store, "Feedback", "ABOUT", "Touchpoint")}
    assert len(about) == 210
    channel_only = {f for f, _ in CHANNEL_ROWS}
    assert not about & channel_only
    evidence = {f for f, _ in await pairs(demo_store, "Feedback", "EVIDENCES", "PainPoint")}
    assert not evidence & channel_only
    # fb-0214 has the category of pain points at 4 phone touchpoints, and still evidences
    # none of them: the row does not say which touchpoint it is about
    (fb_0214,) = [r for r in rows if r["id"] == "fb-0214"]
    assert fb_0214["category"] == "handoff"
    phone = [tp for tp, channel in channel_of().items() if channel == "ch-phone"]
    handoffs = [tp for tp in phone if ("handoff" in {c for _, c in pain_points_at()[tp]})]
    assert len(handoffs) == 4
    (node,) = await demo_store.read(node_query("get", "Feedback"), {"ids": ["fb-0214"]})
    assert node["node"]["category"] == "handoff"


async def test_channel_measurements_count_all_feedback_given_on_the_channel(
    demo_store: GraphStore,
) -> None:
    channels = channel_of()
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for row in feedback_rows():
        if row["metric"] and row["score"]:
            channel = row["channel"] or channels[row["touchpoint"]]
            groups[(channel, row["metric"], row["date"][:7])].append(float(row["score"]))
    assert len(groups) == 64
    ids = {f"m-channel-{ch}-{metric}-{month}": key for key in groups for ch, metric, month in [key]}
    found = {
        row["node"]["id"]: row["node"]
        for row in await demo_store.read(node_query("get", "Measurement"), {"ids": sorted(ids)})
    }
    assert set(found) == set(ids)
    for measurement, (_, metric, month) in ids.items():
        node = found[measurement]
        scores = groups[ids[measurement]]
        assert node["value"] == pytest.approx(expected_value(metric, scores)), node
        assert node["sampleSize"] == len(scores)
        assert (node["metric"], node["phase"], node["date"]) == (metric, "after", f"{month}-01")
        assert node["source"] == "feedback:feedback.csv"
    assert sorted(await pairs(demo_store, "Measurement", "OF", "Channel")) == sorted(
        (measurement, key[0]) for measurement, key in ids.items()
    )
    # a promoter about a phone touchpoint (fb-0205) and a detractor about the phone
    # channel as a whole (fb-0214): NPS 0 from 2 answers
    phone = found["m-channel-ch-phone-nps-2026-11"]
    assert (phone["value"], phone["sampleSize"]) == (0, 2)
    # only the channel-only review fb-0213 was given on social media that month
    social = found["m-channel-ch-social-csat-2026-11"]
    assert (social["value"], social["sampleSize"]) == (1, 1)


async def test_a_newer_export_moving_feedback_to_a_channel_replaces_what_it_was_about(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    # fb-0004 is the only NPS answer about tp-biz-dispute-form (on ch-web) in January, and
    # evidences pp-biz-form-no-attachments (same category); the newer export gives ch-email
    rows = feedback_rows()
    (row,) = [r for r in rows if r["id"] == "fb-0004"]
    assert (row["touchpoint"], row["metric"], row["date"][:7]) == (
        "tp-biz-dispute-form",
        "nps",
        "2026-01",
    )
    assert channel_of()["tp-biz-dispute-form"] == "ch-web"
    assert pain_points_at()["tp-biz-dispute-form"] == [
        ("pp-biz-form-no-attachments", "technical-error")
    ]
    row.update(touchpoint="", channel="ch-email")
    newer = tmp_path / "feedback.csv"  # the same source: feedback:feedback.csv
    write_rows(newer, rows)

    report = await load(demo_store_copy, [Source("feedback", newer)])
    changes = {
        name: (c.created, c.updated, c.deleted)
        for name, c in [*report.nodes.items(), *report.relationships.items()]
        if c.created or c.updated or c.deleted
    }
    assert changes == {
        "ABOUT": (0, 0, 1),
        "VIA": (1, 0, 0),
        "EVIDENCES": (0, 0, 1),
        "Measurement": (1, 0, 0),  # m-channel-ch-email-nps-2026-01
        "OF": (1, 0, 0),
    }
    assert ("fb-0004", "ch-email") in await pairs(demo_store_copy, "Feedback", "VIA", "Channel")
    evidence = await pairs(demo_store_copy, "Feedback", "EVIDENCES", "PainPoint")
    assert not [link for link in evidence if link[0] == "fb-0004"]
    (email,) = await demo_store_copy.read(
        node_query("get", "Measurement"), {"ids": ["m-channel-ch-email-nps-2026-01"]}
    )
    assert (email["node"]["value"], email["node"]["sampleSize"]) == (-100, 1)

    again = await load(demo_store_copy, [Source("feedback", newer)])
    assert not again.changed

    # the January NPS of the touchpoint and of ch-web have no answer left: derived from
    # nothing, --prune deletes them, and only them
    stale = ["m-tp-biz-dispute-form-nps-2026-01", "m-channel-ch-web-nps-2026-01"]
    assert len(await demo_store_copy.read(node_query("get", "Measurement"), {"ids": stale})) == 2
    pruned = await load(demo_store_copy, [Source("feedback", newer)], prune=True)
    deleted = {
        name: c.deleted
        for name, c in [*pruned.nodes.items(), *pruned.relationships.items()]
        if c.deleted
    }
    assert deleted == {"Measurement": 2, "OF": 2}
    assert await demo_store_copy.read(node_query("get", "Measurement"), {"ids": stale}) == []


async def test_one_load_cannot_give_feedback_both_a_touchpoint_and_a_channel(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    # feedback.csv has fb-0001 about a touchpoint; an RDF file of the same load says it
    # was given via a channel. Each file alone is valid; together they are refused.
    extra = tmp_path / "channels.ttl"
    extra.write_text(
        "@prefix cx: <https://cxgraph.org/ontology#> .\n"
        "<https://cxgraph.org/data/Feedback/fb-0001> a cx:Feedback ;\n"
        "    cx:VIA <https://cxgraph.org/data/Channel/ch-web> .\n"
        "<https://cxgraph.org/data/Channel/ch-web> a cx:Channel .\n",
        encoding="utf-8",
    )

    with pytest.raises(LoadFailed) as failed:
        await load(empty_store, [*demo_sources(), Source("rdf", extra)])

    (problem,) = failed.value.problems
    assert problem.origin.file == str(extra)
    assert problem.message == (
        "a Feedback has exactly one of ABOUT, VIA, and 'fb-0001' was also given 'ABOUT'"
    )
    (row,) = await empty_store.read("graph/is_empty")
    assert row["empty"]


async def test_prune_keeps_what_feedback_derives(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo)
    before = tmp_path / "before.jsonl"
    await export_json(demo_store_copy, before)
    dry = await load(demo_store_copy, directory_sources(demo), prune=True, dry_run=True)
    assert dry.totals()["deleted"] == 0
    report = await load(demo_store_copy, directory_sources(demo), prune=True)
    assert not report.changed
    assert report.relationships["EVIDENCES"].unchanged == 125
    # 83 monthly measurements of touchpoints and 64 of channels, and 82 from journey maps
    assert report.nodes["Measurement"].unchanged == 83 + 64 + 82
    after = tmp_path / "after.jsonl"
    await export_json(demo_store_copy, after)
    assert after.read_bytes() == before.read_bytes()


def test_feedback_after_the_last_source_of_pain_points_is_linked_as_it_is_written() -> None:
    sources = demo_sources()
    feedback = [s for s in sources if s.kind == "feedback"]
    assert feedback
    assert _linked_as_written(sources) == set(feedback)
    journeys = [s for s in sources if s.kind == "journeys"]
    others = [s for s in sources if s.kind not in {"journeys", "feedback"}]
    assert _linked_as_written([*feedback, *journeys, *others]) == set()
    rdf = Source("rdf", DEMO_DIR / "more.ttl")
    assert _linked_as_written([*journeys, *feedback, rdf]) == set()
    assert _linked_as_written([*journeys, rdf, *feedback, *others]) == set(feedback)


async def test_feedback_links_the_same_pain_points_linked_as_written_or_after_the_load(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    """Feedback read after the journey maps is linked batch by batch as it is written; read
    before them, once the load has written everything. Both give the links the files say."""
    at = pain_points_at()
    expected = {
        (row["id"], pp)
        for row in feedback_rows()
        if row["touchpoint"] and row["category"]
        for pp, category in at[row["touchpoint"]]
        if category == row["category"]
    }
    sources = demo_sources()
    feedback_first = sorted(sources, key=lambda s: s.kind != "feedback")
    after = empty_store.on_graph("feedback-first")
    await after.apply_schema(compact=False)
    as_written = await load(empty_store, sources)
    after_load = await load(after, feedback_first)
    assert set(await pairs(empty_store, "Feedback", "EVIDENCES", "PainPoint")) == expected
    assert set(await pairs(after, "Feedback", "EVIDENCES", "PainPoint")) == expected
    assert as_written.relationships["EVIDENCES"] == after_load.relationships["EVIDENCES"]
    assert as_written.relationships["EVIDENCES"].created == len(expected)

    # a newer export that recategorises feedback unlinks and relinks it, either way
    newer = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, newer)
    rows = feedback_rows()
    linked = {f for f, _ in expected}
    moved = next(row for row in rows if row["id"] in linked)
    # to a category of other feedback that no pain point at its touchpoint has
    moved["category"] = next(
        row["category"]
        for row in rows
        if row["category"] and row["category"] not in {c for _, c in at[moved["touchpoint"]]}
    )
    write_rows(newer / "feedback.csv", rows)
    expected = {(f, pp) for f, pp in expected if f != moved["id"]} | {
        (moved["id"], pp) for pp, c in at[moved["touchpoint"]] if c == moved["category"]
    }
    sources = directory_sources(newer)
    as_written = await load(empty_store, sources)
    after_load = await load(after, sorted(sources, key=lambda s: s.kind != "feedback"))
    assert set(await pairs(empty_store, "Feedback", "EVIDENCES", "PainPoint")) == expected
    assert set(await pairs(after, "Feedback", "EVIDENCES", "PainPoint")) == expected
    assert as_written.relationships["EVIDENCES"] == after_load.relationships["EVIDENCES"]
    assert as_written.relationships["EVIDENCES"].deleted >= 1


async def test_a_newer_score_rewrites_only_the_measurements_it_enters(
    demo_store_copy: FalkorStore, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, demo)
    rows = feedback_rows()
    changed = next(r for r in rows if r["id"] == "fb-0003")  # csat 4 about a touchpoint
    changed["score"] = "1"
    write_rows(demo / "feedback.csv", rows)

    report = await load(demo_store_copy, directory_sources(demo))

    month = changed["date"][:7]
    channel = channel_of()[changed["touchpoint"]]
    touchpoint_scores = [
        float(r["score"])
        for r in rows
        if r["touchpoint"] == changed["touchpoint"] and r["metric"] == "csat" and r["score"]
        if r["date"][:7] == month
    ]
    channel_scores = [
        float(r["score"])
        for r in rows
        if (r["channel"] or channel_of()[r["touchpoint"]]) == channel
        if r["metric"] == "csat" and r["score"] and r["date"][:7] == month
    ]
    expected = {
        f"m-{changed['touchpoint']}-csat-{month}": touchpoint_scores,
        f"m-channel-{channel}-csat-{month}": channel_scores,
    }
    measurements = report.nodes["Measurement"]
    assert (measurements.created, measurements.updated) == (0, 2)
    assert measurements.unchanged == 83 + 64 + 82 - 2  # 82 from journey maps
    assert report.relationships["OF"].created == 0
    found = await demo_store_copy.read(node_query("get", "Measurement"), {"ids": sorted(expected)})
    assert len(found) == 2
    for row in found:
        node = row["node"]
        scores = expected[node["id"]]
        assert node["value"] == pytest.approx(expected_value("csat", scores)), node
        assert node["sampleSize"] == len(scores)
        assert node["loadRun"] == report.run_id
