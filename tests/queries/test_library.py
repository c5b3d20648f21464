"""The library of named queries behind the cross-silo questions (DESIGN.md, questions 2-11)
and the analysts' exploration queries, run on the demo company (Kestrel Telecom,
loaders/demo) on the real embedded engine.

The expected answers are worked out from the demo files; comments say why where it is not
obvious. Only named queries of the registry run here; no Cypher is written in tests.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from queries.registry import all_queries, get_query
from queries.store import GraphStore, Row
from tests.queries.test_neo4j import (  # the Neo4j fixtures, for the same answers there
    Loaded,
    demo_neo4j,
    neo4j_store,
    writable_store,
)

__all__ = ["demo_neo4j", "neo4j_store", "writable_store"]  # used as fixtures

SAMPLES: dict[str, dict[str, Any]] = {
    "team/affected": {"ids": ["team-field-ops", "team-exec", "team-nope"]},
    "team/impact": {"ids": ["team-field-scheduling", "team-exec", "team-cx"]},
    "team/rollup": {"ids": ["team-field-ops", "team-exec"]},
    "system/blast_radius": {"ids": ["sys-rating", "sys-payments"]},
    "system/impact": {"ids": ["sys-rating", "sys-payments", "sys-iam"]},
    "gaps/ownership": {},
    "handoffs/list": {"minTeams": 2},
    "touchpoint/handoffs": {"ids": ["tp-biz-dispute-update", "tp-switch-port-request"]},
    "journey/blueprint": {"ids": ["j-biz-dispute-move", "j-switch"]},
    "journey/emotion_curve": {"ids": ["j-biz-dispute-move", "j-broadband", "j-switch"]},
    "journey/measurements": {"ids": ["j-biz-dispute-move", "j-broadband", "j-switch"]},
    "painpoint/ranking": {"by": "customers", "limit": 100},
    "painpoint/personas": {"ids": ["pp-bb-no-show", "pp-switch-hidden-fees"]},
    "painpoint/opportunities": {"ids": ["pp-switch-hidden-fees", "pp-biz-repeat-story"]},
    "painpoint/without_opportunity": {"minSeverity": 0},
    "freshness/stale": {"since": "2025-01-01"},
    "graph/schema_overview": {},
    "node/neighbourhood": {"id": "sys-fsm", "limit": 100},
    "node/paths": {"from": "team-field-scheduling", "to": "pp-bb-no-show", "limit": 100},
}
"""Every query of the library, with parameters that give it rows on the demo company."""

BROADBAND = {"id": "j-broadband", "name": "Getting home broadband installed"}
BIZ = {"id": "j-biz-dispute-move", "name": "Resolving a billing dispute and moving premises"}
SWITCH = {"id": "j-switch", "name": "Switching to Kestrel"}
BILLING_SUPPORT = {"id": "team-care-billing", "name": "Billing Support"}
BILLING_OPS = {"id": "team-billing-ops", "name": "Billing & Revenue"}


def ids(items: list[dict[str, Any]]) -> list[str]:
    """The `id` of each map, in order."""
    return [item["id"] for item in items]


def documented_parameters(doc: str) -> set[str]:
    """The `$names` listed in the `Parameters:` section of a query header."""
    section = doc.split("Parameters:", 1)[1].split("\nReturns", 1)[0]
    if section.strip().startswith("none"):
        return set()
    return set(re.findall(r"^\s*\$(\w+)", section, flags=re.MULTILINE))


def documented_columns(doc: str) -> list[str]:
    """The column names of the `Returns` section: one a line, indented by two spaces."""
    section = doc.split("\nReturns", 1)[1].split("\n", 1)[1]
    return re.findall(r"^  (\w+)\s{2,}\S", section, flags=re.MULTILINE)


async def read(store: GraphStore, name: str, **params: Any) -> list[Row]:
    return await store.read(name, params)


async def paths(store: GraphStore, source: str, target: str, limit: int = 100) -> list[Row]:
    return await store.read("node/paths", {"from": source, "to": target, "limit": limit})


# -- headers -----------------------------------------------------------------------------------


def test_every_named_query_documents_exactly_the_parameters_it_uses() -> None:
    for query in all_queries().values():
        if query.path is None:
            continue
        used = set(re.findall(r"\$(\w+)", query.text))
        assert documented_parameters(query.doc) == used, query.name


def test_header_helpers_read_a_header() -> None:
    doc = get_query("painpoint/affecting_teams").doc
    assert documented_parameters(doc) == {"ids"}
    assert documented_columns(doc) == [
        "painPoint", "team", "role", "layer", "via", "path", "rollUp"
    ]  # fmt: skip
    assert documented_parameters(get_query("graph/schema_overview").doc) == set()


@pytest.mark.parametrize("name", SAMPLES)
async def test_library_query_returns_the_documented_columns(
    demo_store: GraphStore, name: str
) -> None:
    columns = documented_columns(get_query(name).doc)
    rows = await demo_store.read(name, SAMPLES[name])
    assert rows, name
    assert all(list(row) == columns for row in rows), (list(rows[0]), columns)


# -- Q2: team/affected, team/impact ------------------------------------------------------------


async def test_team_affected_lists_each_way_the_team_is_involved(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "team/affected", ids=["team-field-scheduling"])
    # Field Scheduling owns tp-bb-book-slot, and owns and performs proc-5.2.1 (behind the
    # booking, the reminder, the reschedule call and the new-site install) and proc-5.2.3
    # (behind the reschedule call). Customers: distinct customers with evidencing feedback.
    expected = [
        ("pp-bb-reminder-wrong-date", "tp-bb-reminder", "backstage", "team-field-scheduling", "process_owner", "proc-5.2.1", 1),
        ("pp-bb-reminder-wrong-date", "tp-bb-reminder", "backstage", "team-field-scheduling", "process_performer", "proc-5.2.1", 1),
        ("pp-bb-reschedule-runaround", "tp-bb-reschedule-call", "frontstage", "team-field-scheduling", "process_owner", "proc-5.2.3", 4),
        ("pp-bb-reschedule-runaround", "tp-bb-reschedule-call", "frontstage", "team-field-scheduling", "process_performer", "proc-5.2.3", 4),
        ("pp-bb-reschedule-runaround", "tp-bb-reschedule-call", "backstage", "team-field-scheduling", "process_owner", "proc-5.2.1", 4),
        ("pp-bb-reschedule-runaround", "tp-bb-reschedule-call", "backstage", "team-field-scheduling", "process_performer", "proc-5.2.1", 4),
        ("pp-bb-slots-weeks-away", "tp-bb-book-slot", "customer", "team-field-scheduling", "touchpoint_owner", "tp-bb-book-slot", 2),
        ("pp-bb-slots-weeks-away", "tp-bb-book-slot", "backstage", "team-field-scheduling", "process_owner", "proc-5.2.1", 2),
        ("pp-bb-slots-weeks-away", "tp-bb-book-slot", "backstage", "team-field-scheduling", "process_performer", "proc-5.2.1", 2),
        ("pp-biz-downtime", "tp-biz-new-site-install", "backstage", "team-field-scheduling", "process_owner", "proc-5.2.1", 4),
        ("pp-biz-downtime", "tp-biz-new-site-install", "backstage", "team-field-scheduling", "process_performer", "proc-5.2.1", 4),
    ]  # fmt: skip
    assert [
        (
            r["painPoint"]["id"],
            r["touchpoint"]["id"],
            r["layer"],
            r["unit"]["id"],
            r["role"],
            r["via"]["id"],
            r["customers"],
        )
        for r in rows
    ] == expected
    assert rows[0] == {
        "team": "team-field-scheduling",
        "unit": {"id": "team-field-scheduling", "name": "Field Scheduling", "kind": "team"},
        "role": "process_owner",
        "layer": "backstage",
        "via": {
            "id": "proc-5.2.1",
            "name": "Schedule installation appointments",
            "label": "Process",
        },
        "painPoint": {
            "id": "pp-bb-reminder-wrong-date",
            "name": "Reminder shows the old date after a reschedule",
            "severity": 3,
            "category": "communication",
        },
        "touchpoint": {
            "id": "tp-bb-reminder",
            "name": "Receive the appointment reminder",
            "momentOfTruth": False,
        },
        "journey": BROADBAND,
        # fb-0167 and fb-0197 (category communication at tp-bb-reminder), both by c-0036
        "customers": 1,
    }


async def test_team_affected_includes_the_units_below_the_team(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "team/affected", ids=["team-field-ops"])
    # Field Operations owns the parent process proc-5.2 of 5.2.1, 5.2.2 and 5.2.3; its units
    # Field Installation and Field Scheduling are involved in their own ways.
    by_unit: dict[str, set[str]] = {}
    for r in rows:
        assert r["team"] == "team-field-ops"
        by_unit.setdefault(r["unit"]["id"], set()).add(r["painPoint"]["id"])
    assert by_unit == {
        "team-field-ops": {
            "pp-bb-line-not-ready",
            "pp-bb-no-show",
            "pp-bb-reminder-wrong-date",
            "pp-bb-reschedule-runaround",
            "pp-bb-slots-weeks-away",
            "pp-biz-downtime",
        },
        "team-field-install": {"pp-bb-line-not-ready", "pp-bb-no-show", "pp-biz-downtime"},
        "team-field-scheduling": {
            "pp-bb-reminder-wrong-date",
            "pp-bb-reschedule-runaround",
            "pp-bb-slots-weeks-away",
            "pp-biz-downtime",
        },
    }
    own = {
        (r["role"], r["layer"], r["via"]["id"]) for r in rows if r["unit"]["id"] == "team-field-ops"
    }
    assert own == {("process_owner", "frontstage", "proc-5.2")}
    # 11 rows of Field Scheduling, 6 of Field Operations, 9 of Field Installation (owner of
    # both visit touchpoints, owner and performer of proc-5.2.2 behind them: 3 pain points)
    assert len(rows) == 26


async def test_team_affected_batches_and_skips_unknown_and_uninvolved_teams(
    demo_store: GraphStore,
) -> None:
    # The Executive Office owns and performs nothing and has no units below it.
    assert await read(demo_store, "team/affected", ids=["team-exec"]) == []
    assert await read(demo_store, "team/affected", ids=["team-nope"]) == []
    assert await read(demo_store, "team/affected", ids=[]) == []
    batch = await read(
        demo_store, "team/affected", ids=["team-nope", "team-field-scheduling", "team-credit"]
    )
    credit = await read(demo_store, "team/affected", ids=["team-credit"])
    scheduling = await read(demo_store, "team/affected", ids=["team-field-scheduling"])
    assert credit
    assert batch == credit + scheduling


async def test_team_affected_is_the_reverse_of_painpoint_affecting_teams(
    demo_store: GraphStore,
) -> None:
    ranked = await read(demo_store, "painpoint/ranking", by="customers", limit=100)
    pain_points = [r["painPoint"]["id"] for r in ranked]
    assert len(pain_points) == 33
    forward = {
        (r["painPoint"], r["team"]["id"], r["role"], r["layer"], r["via"]["id"])
        for r in await read(demo_store, "painpoint/affecting_teams", ids=pain_points)
    }
    teams = sorted({team for _, team, _, _, _ in forward})
    reverse = {
        (r["painPoint"]["id"], r["team"], r["role"], r["layer"], r["via"]["id"])
        for r in await read(demo_store, "team/affected", ids=teams)
        if r["unit"]["id"] == r["team"]
    }
    assert reverse == forward


async def test_team_impact_totals(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store,
        "team/impact",
        ids=["team-nope", "team-field-scheduling", "team-exec", "team-ops"],
    )
    assert rows == [
        # a team involved in nothing still has its row
        {"team": "team-exec", "touchpoints": 0, "painPoints": 0, "journeys": [], "customers": 0},
        {
            "team": "team-field-scheduling",
            "touchpoints": 4,  # book-slot, reminder, reschedule-call, new-site-install
            "painPoints": 4,
            "journeys": [BIZ, BROADBAND],
            # 2 + 1 + 4 + 4 customers (the rows of team/affected), c-0049 counted once:
            # fb-0077 is about the slots, fb-0168 about the reschedule call
            "customers": 10,
        },
        {
            "team": "team-ops",
            "touchpoints": 14,
            "painPoints": 16,
            "journeys": [BIZ, BROADBAND, SWITCH],
            "customers": 30,
        },
    ]


async def test_team_impact_agrees_with_team_affected(demo_store: GraphStore) -> None:
    teams = ["team-cx", "team-tech", "team-ops", "team-commercial", "team-finance", "team-web"]
    affected = await read(demo_store, "team/affected", ids=teams)
    impact = await read(demo_store, "team/impact", ids=teams)
    assert [r["team"] for r in impact] == sorted(teams)
    for row in impact:
        mine = [r for r in affected if r["team"] == row["team"]]
        assert row["painPoints"] == len({r["painPoint"]["id"] for r in mine}), row["team"]
        journeys = sorted({r["journey"]["id"] for r in mine})
        assert set(journeys) <= set(ids(row["journeys"])), row["team"]


# -- team/rollup -------------------------------------------------------------------------------


async def test_team_rollup_of_a_department(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "team/rollup", ids=["team-field-ops"])
    # Members from people.csv: Operations 1, Network Operations 6, Field Operations 1,
    # Field Installation 8, Field Scheduling 3 (no lead: its staff report to Nadia Petrova).
    expected = [
        ("team-ops", -1, None, ["p-oluwaseun-adeyemi"], 1, 19),
        ("team-field-ops", 0, "team-ops", ["p-nadia-petrova"], 1, 12),
        ("team-field-install", 1, "team-field-ops", ["p-dwayne-campbell"], 8, 8),
        ("team-field-scheduling", 1, "team-field-ops", [], 3, 3),
    ]  # fmt: skip
    assert [
        (r["unit"]["id"], r["level"], r["parent"], ids(r["leads"]), r["members"], r["totalMembers"])
        for r in rows
    ] == expected
    assert rows[1] == {
        "team": "team-field-ops",
        "unit": {
            "id": "team-field-ops",
            "name": "Field Operations",
            "kind": "department",
            "verifiedAt": "2026-04-09",
        },
        "level": 0,
        "parent": "team-ops",
        "leads": [
            {"id": "p-nadia-petrova", "name": "Nadia Petrova", "title": "Head of Field Operations"}
        ],
        "members": 1,
        "totalMembers": 12,
    }


async def test_team_rollup_batches(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store, "team/rollup", ids=["team-field-install", "team-nope", "team-exec"]
    )
    assert [(r["team"], r["unit"]["id"], r["level"]) for r in rows] == [
        # the Executive Office is a division without a parent and without units below it
        ("team-exec", "team-exec", 0),
        ("team-field-install", "team-ops", -2),
        ("team-field-install", "team-field-ops", -1),
        ("team-field-install", "team-field-install", 0),
    ]
    assert await read(demo_store, "team/rollup", ids=["team-nope"]) == []


# -- Q3: system/blast_radius, system/impact ----------------------------------------------------


async def test_blast_radius_of_a_system_nothing_depends_on(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "system/blast_radius", ids=["sys-payments"])
    # sys-payments supports three touchpoints itself; proc-3.5.2 uses it and also supports
    # the port request. Rows by journey id, then stage and touchpoint order.
    expected = [
        ("j-broadband", "st-bb-order", "tp-bb-order-online", 0, ["sys-payments"], 3),
        ("j-broadband", "st-bb-bill", "tp-bb-direct-debit", 0, ["sys-payments"], 1),
        ("j-switch", "st-switch-order", "tp-switch-order-online", 0, ["sys-payments"], 9),
        ("j-switch", "st-switch-port", "tp-switch-port-request", 0, ["proc-3.5.2", "sys-payments"], 13),
    ]  # fmt: skip
    assert [
        (
            r["journey"]["id"],
            r["stage"]["id"],
            r["touchpoint"]["id"],
            r["depth"],
            ids(r["path"]),
            r["customers"],
        )
        for r in rows
    ] == expected
    assert rows[3] == {
        "system": "sys-payments",
        "touchpoint": {
            "id": "tp-switch-port-request",
            "name": "Request the number port",
            "order": 1,
            "momentOfTruth": True,
        },
        "stage": {"id": "st-switch-port", "name": "Switch numbers", "order": 3},
        "journey": SWITCH,
        "personas": [{"id": "per-family", "name": "Family planner"}],
        "depth": 0,
        "path": [
            {"id": "proc-3.5.2", "name": "Capture and submit orders", "label": "Process"},
            {"id": "sys-payments", "name": "PayStream payment gateway", "label": "System"},
        ],
        "customers": 13,
    }


async def test_blast_radius_through_dependent_systems(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "system/blast_radius", ids=["sys-rating"])
    # sys-billing depends on sys-rating, so what billing is behind is one hop away. A system
    # behind the touchpoint itself wins over a process at the same depth.
    expected = [
        # by journey id: j-biz-dispute-move sorts before j-broadband
        ("j-biz-dispute-move", "tp-biz-bill-email", 0, ["proc-9.3.1", "sys-rating"]),
        ("j-biz-dispute-move", "tp-biz-online-bill", 1, ["sys-billing", "sys-rating"]),
        ("j-biz-dispute-move", "tp-biz-dispute-update", 0, ["proc-6.3.2", "sys-rating"]),
        ("j-biz-dispute-move", "tp-biz-collections-letter", 1, ["sys-billing", "sys-rating"]),
        ("j-biz-dispute-move", "tp-biz-credit-note", 1, ["sys-billing", "sys-rating"]),
        ("j-biz-dispute-move", "tp-biz-post-move-bill", 0, ["proc-9.3.1", "sys-rating"]),
        ("j-broadband", "tp-bb-first-bill", 0, ["sys-rating"]),
        # the direct debit: proc-9.3.3 uses sys-billing (the systems behind it directly,
        # sys-payments and sys-app-backend, do not depend on rating)
        ("j-broadband", "tp-bb-direct-debit", 1, ["proc-9.3.3", "sys-billing", "sys-rating"]),
        ("j-switch", "tp-switch-first-bill", 0, ["proc-9.3.1", "sys-rating"]),
        ("j-switch", "tp-switch-bill-query", 1, ["sys-billing", "sys-rating"]),
    ]  # fmt: skip
    assert [
        (r["journey"]["id"], r["touchpoint"]["id"], r["depth"], ids(r["path"])) for r in rows
    ] == expected
    assert rows[1]["stage"] == {"id": "st-biz-notice", "name": "Notice the problem", "order": 1}


async def test_blast_radius_batches_and_skips_unknown_systems(demo_store: GraphStore) -> None:
    assert await read(demo_store, "system/blast_radius", ids=["sys-nope"]) == []
    batch = await read(
        demo_store, "system/blast_radius", ids=["sys-rating", "sys-nope", "sys-payments"]
    )
    payments = await read(demo_store, "system/blast_radius", ids=["sys-payments"])
    rating = await read(demo_store, "system/blast_radius", ids=["sys-rating"])
    assert batch == payments + rating
    # The unowned field-service system is behind the five touchpoints of booking,
    # reminding, visiting, rescheduling and installing at the new site; nothing depends on it.
    fsm = await read(demo_store, "system/blast_radius", ids=["sys-fsm"])
    assert sorted(r["touchpoint"]["id"] for r in fsm) == [
        "tp-bb-book-slot",
        "tp-bb-reminder",
        "tp-bb-reschedule-call",
        "tp-bb-technician-visit",
        "tp-biz-new-site-install",
    ]
    assert {r["depth"] for r in fsm} == {0}


async def test_system_impact_totals(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "system/impact", ids=["sys-rating", "sys-payments", "sys-nope"])
    family = {"id": "per-family", "name": "Family planner"}
    remote = {"id": "per-remote", "name": "Remote worker"}
    smallbiz = {"id": "per-smallbiz", "name": "Small-business owner"}
    assert rows == [
        {
            "system": "sys-payments",
            "dependents": [],
            "touchpoints": 4,
            "painPoints": 4,  # no slot choice, checkout error, port delay, port outage
            "journeys": [BROADBAND, SWITCH],
            "personas": [family, remote],
            "customers": 23,
        },
        {
            "system": "sys-rating",
            "dependents": [{"id": "sys-billing", "name": "Billing (KBill)", "depth": 1}],
            "touchpoints": 10,
            "painPoints": 9,  # every touchpoint of its radius has one, but the credit note
            "journeys": [BIZ, BROADBAND, SWITCH],
            "personas": [family, remote, smallbiz],
            "customers": 33,
        },
    ]


async def test_core_systems_reach_every_journey(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "system/impact", ids=["sys-core-db", "sys-esb", "sys-iam"])
    assert [r["system"] for r in rows] == ["sys-core-db", "sys-esb", "sys-iam"]
    for row in rows:
        assert row["journeys"] == [BIZ, BROADBAND, SWITCH], row["system"]
    core = rows[0]
    # 15 of the 16 systems depend on the core database; the payment gateway only through
    # the integration bus and identity (sys-payments -> sys-esb -> sys-iam -> sys-core-db)
    assert len(core["dependents"]) == 15
    assert core["dependents"][-1] == {
        "id": "sys-payments",
        "name": "PayStream payment gateway",
        "depth": 3,
    }
    assert (core["touchpoints"], core["painPoints"]) == (38, 33)


# -- Q4: gaps/ownership ------------------------------------------------------------------------


async def test_ownership_gaps(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "gaps/ownership")
    # the gaps of the demo's README
    expected = [
        ("Touchpoint", "tp-bb-reminder", "customer", [], ["j-broadband"], 1),
        ("Touchpoint", "tp-biz-dispute-form", "customer", [], ["j-biz-dispute-move"], 1),
        ("Touchpoint", "tp-biz-move-request", "customer", [], ["j-biz-dispute-move"], 2),
        ("Touchpoint", "tp-switch-sim-delivery", "customer", [], ["j-switch"], 1),
        ("Process", "proc-5.1.3", "support", ["team-retail"], ["j-switch"], 1),
        # behind the move request (2 pain points), its confirmation and the post-move bill (1)
        ("Process", "proc-5.3.1", "backstage", ["team-care-frontline", "team-network-ops"], ["j-biz-dispute-move"], 3),
        # the five touchpoints of test_blast_radius_batches_and_skips_unknown_systems
        ("System", "sys-fsm", "system", [], ["j-biz-dispute-move", "j-broadband"], 6),
    ]  # fmt: skip
    assert [
        (
            r["label"],
            r["item"]["id"],
            r["layer"],
            ids(r["performers"]),
            ids(r["journeys"]),
            r["painPoints"],
        )
        for r in rows
    ] == expected
    assert rows[6]["item"] == {
        "id": "sys-fsm",
        "name": "Field Service Scheduling",
        "verifiedAt": "2024-05-14",
    }
    assert rows[4]["performers"] == [{"id": "team-retail", "name": "Retail Stores"}]


# -- Q5: handoffs/list, touchpoint/handoffs ----------------------------------------------------


async def test_handoff_touchpoints(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "handoffs/list", minTeams=2)
    expected = [
        # Sales owns proc-3.5.2 (performed by Retail and Web), Network Operations owns and
        # performs proc-3.5.3: the 4 teams of the demo's README
        ("tp-switch-port-request", 4, ["team-network-ops", "team-retail", "team-sales", "team-web"], ["proc-3.5.2", "proc-3.5.3"], 2, 0),
        ("tp-bb-order-online", 3, ["team-retail", "team-sales", "team-web"], ["proc-3.5.2"], 1, 0),
        ("tp-biz-new-site-install", 3, ["team-field-install", "team-field-scheduling", "team-network-ops"], ["proc-5.1.2", "proc-5.2.1", "proc-5.2.2"], 1, 0),
        ("tp-biz-post-move-bill", 3, ["team-billing-ops", "team-care-frontline", "team-network-ops"], ["proc-5.3.1", "proc-9.3.1"], 1, 0),
        ("tp-switch-order-online", 3, ["team-retail", "team-sales", "team-web"], ["proc-3.5.2"], 1, 0),
        ("tp-bb-technician-visit", 2, ["team-field-install", "team-network-ops"], ["proc-5.1.2", "proc-5.2.2"], 2, 1),
        ("tp-biz-dispute-update", 2, ["team-billing-ops", "team-care-billing"], ["proc-6.2.3", "proc-6.3.2", "proc-9.3.2"], 2, 1),
        ("tp-biz-move-request", 2, ["team-care-frontline", "team-network-ops"], ["proc-5.3.1", "proc-6.2.1"], 2, 1),
        # one process whose owner (Marketing) is not its performer (Web) is a hand-off too
        ("tp-bb-address-check", 2, ["team-marketing", "team-web"], ["proc-3.4.1"], 1, 0),
        ("tp-bb-book-slot", 2, ["team-field-scheduling", "team-network-ops"], ["proc-5.1.2", "proc-5.2.1"], 1, 0),
        ("tp-bb-reschedule-call", 2, ["team-care-frontline", "team-field-scheduling"], ["proc-5.2.1", "proc-5.2.3", "proc-6.2.1"], 1, 1),
        ("tp-switch-activate-sim", 2, ["team-app", "team-network-ops"], ["proc-5.1.1", "proc-6.4.1"], 1, 0),
        ("tp-switch-app-login", 2, ["team-app", "team-integration"], ["proc-6.4.1", "proc-8.1.1"], 1, 0),
        ("tp-switch-bill-query", 2, ["team-billing-ops", "team-care-billing"], ["proc-6.2.3", "proc-9.3.2"], 1, 1),
        ("tp-switch-compare-plans", 2, ["team-marketing", "team-web"], ["proc-3.4.1"], 1, 0),
        ("tp-bb-presales-chat", 2, ["team-care-frontline", "team-retail"], ["proc-3.5.1", "proc-6.2.2"], 0, 0),
        ("tp-biz-move-confirm", 2, ["team-care-frontline", "team-network-ops"], ["proc-5.3.1"], 0, 0),
    ]  # fmt: skip
    assert [
        (
            r["touchpoint"]["id"],
            r["teamCount"],
            ids(r["teams"]),
            ids(r["processes"]),
            r["painPoints"],
            r["handoffPainPoints"],
        )
        for r in rows
    ] == expected
    first = rows[0]
    assert first["touchpoint"] == {
        "id": "tp-switch-port-request",
        "name": "Request the number port",
        "momentOfTruth": True,
    }
    assert first["journey"] == SWITCH
    assert first["stage"] == {"id": "st-switch-port", "name": "Switch numbers", "order": 3}
    assert first["processes"][0] == {
        "id": "proc-3.5.2",
        "name": "Capture and submit orders",
        "layer": "frontstage",
    }
    assert first["teams"][0] == {"id": "team-network-ops", "name": "Network Operations"}


async def test_handoff_touchpoints_by_number_of_teams(demo_store: GraphStore) -> None:
    four = await read(demo_store, "handoffs/list", minTeams=4)
    assert [r["touchpoint"]["id"] for r in four] == ["tp-switch-port-request"]
    assert await read(demo_store, "handoffs/list", minTeams=5) == []
    # every touchpoint with a supporting process has a team: all 38 but the speed test and
    # the online bill, which have systems only
    assert len(await read(demo_store, "handoffs/list", minTeams=1)) == 36


async def test_touchpoint_handoffs(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "touchpoint/handoffs", ids=["tp-biz-dispute-update"])
    # the dispute chain of the demo: 6.3.2 investigation -> 9.3.2 credit note -> 6.2.3
    # billing enquiries, all three behind the dispute updates
    assert rows == [
        {
            "touchpoint": "tp-biz-dispute-update",
            "process": {
                "id": "proc-6.2.3",
                "name": "Answer billing enquiries",
                "code": "6.2.3",
                "layer": "frontstage",
            },
            "owners": [BILLING_SUPPORT],
            "performers": [BILLING_SUPPORT],
            "handsOffTo": [],
        },
        {
            "touchpoint": "tp-biz-dispute-update",
            "process": {
                "id": "proc-6.3.2",
                "name": "Investigate billing disputes",
                "code": "6.3.2",
                "layer": "backstage",
            },
            "owners": [BILLING_OPS],
            "performers": [BILLING_SUPPORT],
            "handsOffTo": [
                {
                    "id": "proc-9.3.2",
                    "name": "Issue credits and adjustments",
                    "supportsTouchpoint": True,
                }
            ],
        },
        {
            "touchpoint": "tp-biz-dispute-update",
            "process": {
                "id": "proc-9.3.2",
                "name": "Issue credits and adjustments",
                "code": "9.3.2",
                "layer": "backstage",
            },
            "owners": [BILLING_OPS],
            "performers": [BILLING_OPS],
            "handsOffTo": [
                {"id": "proc-6.2.3", "name": "Answer billing enquiries", "supportsTouchpoint": True}
            ],
        },
    ]


async def test_touchpoint_handoffs_batches(demo_store: GraphStore) -> None:
    # the speed test has systems behind it but no process
    assert await read(demo_store, "touchpoint/handoffs", ids=["tp-bb-speed-test"]) == []
    assert await read(demo_store, "touchpoint/handoffs", ids=["tp-nope"]) == []
    rows = await read(
        demo_store,
        "touchpoint/handoffs",
        ids=["tp-switch-order-online", "tp-bb-speed-test", "tp-bb-order-online"],
    )
    assert [
        (r["touchpoint"], r["process"]["id"], ids(r["owners"]), ids(r["performers"])) for r in rows
    ] == [
        ("tp-bb-order-online", "proc-3.5.2", ["team-sales"], ["team-retail", "team-web"]),
        ("tp-switch-order-online", "proc-3.5.2", ["team-sales"], ["team-retail", "team-web"]),
    ]
    # order capture hands off to the credit check, which supports neither order touchpoint
    # (it supports the credit-check touchpoints)
    assert rows[0]["handsOffTo"] == [
        {"id": "proc-9.2.1", "name": "Perform credit checks", "supportsTouchpoint": False}
    ]


# -- Q6: journey/blueprint ---------------------------------------------------------------------


async def test_journey_blueprint_rows_per_stage_and_touchpoint(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "journey/blueprint", ids=["j-biz-dispute-move"])
    expected = [
        ("st-biz-notice", "tp-biz-bill-email", "ch-email", ["team-billing-ops"], [], ["proc-9.3.1"], [], ["sys-billing"], ["pp-biz-roaming-surprise"]),
        ("st-biz-notice", "tp-biz-online-bill", "ch-web", ["team-web"], [], [], [], ["sys-billing", "sys-cms", "sys-iam"], ["pp-biz-itemisation-missing"]),
        ("st-biz-raise", "tp-biz-call-care", "ch-phone", ["team-care-frontline"], ["proc-6.2.1", "proc-6.3.1"], [], [], ["sys-crm", "sys-telephony", "sys-ticketing"], ["pp-biz-repeat-story"]),
        ("st-biz-raise", "tp-biz-dispute-form", "ch-web", [], ["proc-6.3.1"], [], [], ["sys-cms", "sys-ticketing"], ["pp-biz-form-no-attachments"]),
        ("st-biz-investigate", "tp-biz-dispute-update", "ch-email", ["team-care-billing"], ["proc-6.2.3"], ["proc-6.3.2", "proc-9.3.2"], [], ["sys-billing", "sys-ticketing"], ["pp-biz-dispute-slow", "pp-biz-no-case-owner"]),
        ("st-biz-investigate", "tp-biz-collections-letter", "ch-mail", ["team-credit"], [], ["proc-9.2.2"], [], ["sys-billing"], ["pp-biz-collections-during-dispute"]),
        ("st-biz-investigate", "tp-biz-credit-note", "ch-email", ["team-billing-ops"], [], ["proc-9.3.2"], [], ["sys-billing"], []),
        # severity 4 both: by id
        ("st-biz-move", "tp-biz-move-request", "ch-phone", [], ["proc-6.2.1"], ["proc-5.3.1"], [], ["sys-crm", "sys-oms"], ["pp-biz-move-new-contract", "pp-biz-move-notice"]),
        ("st-biz-move", "tp-biz-move-confirm", "ch-email", ["team-care"], [], ["proc-5.3.1"], [], ["sys-oms"], []),
        ("st-biz-install", "tp-biz-new-site-install", "ch-field", ["team-field-install"], ["proc-5.2.2"], ["proc-5.1.2", "proc-5.2.1"], [], ["sys-fsm", "sys-provisioning"], ["pp-biz-downtime"]),
        ("st-biz-after", "tp-biz-post-move-bill", "ch-email", ["team-billing-ops"], [], ["proc-5.3.1", "proc-9.3.1"], [], ["sys-billing"], ["pp-biz-double-billed"]),
        # proc-6.5.1 supports the review through the touchpoints column of processes.csv
        ("st-biz-after", "tp-biz-review", "ch-social", ["team-cx-design"], [], [], ["proc-6.5.1"], ["sys-dwh"], []),
    ]  # fmt: skip
    assert [
        (
            r["stage"]["id"],
            r["touchpoint"]["id"],
            r["channel"]["id"],
            ids(r["owners"]),
            ids(r["frontstage"]),
            ids(r["backstage"]),
            ids(r["support"]),
            ids(r["systems"]),
            ids(r["painPoints"]),
        )
        for r in rows
    ] == expected


async def test_journey_blueprint_row_in_full(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "journey/blueprint", ids=["j-biz-dispute-move"])
    (row,) = [r for r in rows if r["touchpoint"]["id"] == "tp-biz-dispute-update"]
    assert row == {
        "journey": "j-biz-dispute-move",
        "stage": {"id": "st-biz-investigate", "name": "Investigation", "order": 3},
        "touchpoint": {
            "id": "tp-biz-dispute-update",
            "name": "Receive updates on the dispute",
            "order": 1,
            "action": "Owner waits for and chases updates on the investigation",
            "evidence": "Case e-mails",
            "momentOfTruth": True,
            "verifiedAt": "2026-08-14",
        },
        "channel": {"id": "ch-email", "name": "E-mail", "kind": "email"},
        "needs": [
            {"id": "need-know-status", "name": "Know what is happening and when"},
            {"id": "need-one-contact", "name": "One person who owns my problem until it is solved"},
        ],
        "owners": [BILLING_SUPPORT],
        "frontstage": [
            {
                "id": "proc-6.2.3",
                "name": "Answer billing enquiries",
                "code": "6.2.3",
                "owners": [BILLING_SUPPORT],
                "performers": [BILLING_SUPPORT],
            }
        ],
        "backstage": [
            {
                "id": "proc-6.3.2",
                "name": "Investigate billing disputes",
                "code": "6.3.2",
                "owners": [BILLING_OPS],
                "performers": [BILLING_SUPPORT],
            },
            {
                "id": "proc-9.3.2",
                "name": "Issue credits and adjustments",
                "code": "9.3.2",
                "owners": [BILLING_OPS],
                "performers": [BILLING_OPS],
            },
        ],
        "support": [],
        "systems": [
            {
                "id": "sys-billing",
                "name": "Billing (KBill)",
                "criticality": "critical",
                "owners": [{"id": "team-billing-sys", "name": "Billing & Charging Systems"}],
            },
            {
                "id": "sys-ticketing",
                "name": "ServiceDesk ticketing",
                "criticality": "high",
                "owners": [{"id": "team-care", "name": "Customer Care"}],
            },
        ],
        "painPoints": [
            {
                "id": "pp-biz-dispute-slow",
                "name": "Disputes take over 30 days",
                "severity": 5,
                "category": "delay",
            },
            {
                "id": "pp-biz-no-case-owner",
                "name": "Nobody owns the case end to end",
                "severity": 4,
                "category": "handoff",
            },
        ],
        # The emotion comes from the journey map; the others are the monthly measurements of
        # the scored feedback about the touchpoint: fb-0029 (ces 2, March), fb-0055 and
        # fb-0058 (csat 5 and 1, May), fb-0072 (csat 3, June, anonymous), fb-0131 (nps 10,
        # August: 100% promoters).
        "measurements": [
            {"metric": "ces", "phase": "after", "value": 2.0, "sampleSize": 1, "date": "2026-03-01"},
            {"metric": "csat", "phase": "after", "value": 3.0, "sampleSize": 2, "date": "2026-05-01"},
            {"metric": "csat", "phase": "after", "value": 3.0, "sampleSize": 1, "date": "2026-06-01"},
            {"metric": "emotion", "phase": "during", "value": -3.0, "sampleSize": None, "date": None},
            {"metric": "nps", "phase": "after", "value": 100.0, "sampleSize": 1, "date": "2026-08-01"},
        ],
    }  # fmt: skip


async def test_journey_blueprint_batches(demo_store: GraphStore) -> None:
    assert await read(demo_store, "journey/blueprint", ids=["j-nope"]) == []
    # a stage id is not a journey id
    assert await read(demo_store, "journey/blueprint", ids=["st-biz-move"]) == []
    rows = await read(demo_store, "journey/blueprint", ids=["j-switch", "j-nope", "j-broadband"])
    # 13 touchpoints in each of the two journeys (38 with the 12 of j-biz-dispute-move)
    assert [r["journey"] for r in rows] == ["j-broadband"] * 13 + ["j-switch"] * 13


# -- Q7: journey/emotion_curve, journey/measurements -------------------------------------------


async def test_emotion_curve_of_a_journey(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "journey/emotion_curve", ids=["j-biz-dispute-move"])
    # the stage metrics of business-billing-move.yaml; no stage has an NPS (the journey has)
    expected = [
        ("st-biz-notice", 1.0, -2.0, -2.0, None, None, None, 2),
        ("st-biz-raise", -2.0, -2.0, -2.0, None, None, 2.4, 2),
        ("st-biz-investigate", -2.0, -3.0, -1.0, 2.1, None, None, 3),
        ("st-biz-move", 0.0, -1.0, -1.0, None, None, None, 2),
        ("st-biz-install", -1.0, -2.0, 1.0, 2.7, None, None, 1),
        ("st-biz-after", 0.0, 1.0, 1.0, None, None, None, 1),
    ]  # fmt: skip
    assert [
        (
            r["stage"]["id"],
            r["before"],
            r["during"],
            r["after"],
            r["csat"],
            r["nps"],
            r["ces"],
            r["painPoints"],
        )
        for r in rows
    ] == expected
    assert rows[0]["stage"] == {"id": "st-biz-notice", "name": "Notice the problem", "order": 1}
    assert rows[0]["journey"] == "j-biz-dispute-move"


async def test_emotion_curve_batches(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store, "journey/emotion_curve", ids=["j-switch", "j-nope", "j-broadband"]
    )
    assert [(r["journey"], r["stage"]["order"]) for r in rows] == [
        ("j-broadband", n) for n in range(1, 7)
    ] + [("j-switch", n) for n in range(1, 7)]
    # the porting stage of the switching journey has a CSAT (after) and a CES (during)
    port = rows[8]
    assert (port["stage"]["id"], port["csat"], port["ces"], port["during"]) == (
        "st-switch-port",
        2.9,
        3.2,
        -2.0,
    )
    assert await read(demo_store, "journey/emotion_curve", ids=["j-nope"]) == []


async def test_journey_measurements(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store, "journey/measurements", ids=["j-switch", "j-nope", "j-biz-dispute-move"]
    )
    assert rows == [
        # the journey in the worst shape
        {"journey": "j-biz-dispute-move", "metric": "nps", "phase": "after", "value": -22.0, "sampleSize": 97, "date": "2026-09-30"},
        {"journey": "j-switch", "metric": "nps", "phase": "after", "value": 18.0, "sampleSize": 486, "date": "2026-09-30"},
    ]  # fmt: skip


# -- Q8: painpoint/ranking ---------------------------------------------------------------------


async def test_pain_points_ranked_by_customer_impact(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "painpoint/ranking", by="customers", limit=6)
    expected = [
        # the most evidenced pain point of the demo; its teams are Web & CMS, Marketing &
        # Product and Commercial (the README's first question)
        ("pp-switch-hidden-fees", 9, 9, 4, False, 3),
        # 7 feedback of category missed-appointment about the visit, one of them anonymous
        ("pp-bb-no-show", 6, 7, 5, True, 5),
        ("pp-switch-bill-shock", 6, 9, 5, True, 4),
        ("pp-switch-port-outage", 5, 6, 5, True, 8),
        ("pp-switch-query-transfer", 5, 7, 4, False, 8),
        ("pp-switch-otp-missing", 5, 5, 3, False, 7),
    ]  # fmt: skip
    assert [
        (
            r["painPoint"]["id"],
            r["customers"],
            r["feedback"],
            r["severity"],
            r["momentOfTruth"],
            r["teams"],
        )
        for r in rows
    ] == expected
    assert rows[0] == {
        "painPoint": {
            "id": "pp-switch-hidden-fees",
            "name": "Fees only visible at checkout",
            "severity": 4,
            "category": "pricing-transparency",
        },
        "touchpoints": [{"id": "tp-switch-compare-plans", "name": "Compare family plans online"}],
        "journeys": [SWITCH],
        "customers": 9,
        "feedback": 9,
        "severity": 4,
        "momentOfTruth": False,
        "teams": 3,
    }


async def test_ranking_limit_and_last_place(demo_store: GraphStore) -> None:
    everything = await read(demo_store, "painpoint/ranking", by="customers", limit=1000)
    assert len(everything) == 33
    assert await read(demo_store, "painpoint/ranking", by="customers", limit=2) == everything[:2]
    assert await read(demo_store, "painpoint/ranking", by="customers", limit=0) == []
    # known only from the journey map: no feedback evidences it
    last = everything[-1]
    assert (last["painPoint"]["id"], last["customers"], last["feedback"]) == (
        "pp-biz-move-notice",
        0,
        0,
    )


async def test_pain_points_ranked_by_teams(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "painpoint/ranking", by="teams", limit=7)
    # Eight teams behind the port request: Network Operations (owner; proc-3.5.3 and
    # sys-provisioning), Sales, Retail, Web (proc-3.5.2 and its parent proc-3.5), Commercial
    # (proc-3.0), CRM & Ordering (sys-oms, sys-crm), Billing & Charging Systems
    # (sys-payments) and Integration & Identity (sys-esb, used by proc-3.5.3). Ties by
    # customers, then severity.
    expected = [
        ("pp-switch-port-outage", 8, 5, 5),
        ("pp-switch-query-transfer", 8, 5, 4),
        ("pp-biz-double-billed", 8, 4, 4),
        ("pp-biz-dispute-slow", 8, 3, 5),
        ("pp-switch-port-delay", 8, 3, 5),
        ("pp-biz-no-case-owner", 8, 2, 4),
        ("pp-switch-otp-missing", 7, 5, 3),
    ]  # fmt: skip
    assert [
        (r["painPoint"]["id"], r["teams"], r["customers"], r["severity"]) for r in rows
    ] == expected
    everything = await read(demo_store, "painpoint/ranking", by="teams", limit=100)
    by_customers = await read(demo_store, "painpoint/ranking", by="customers", limit=100)
    assert sorted(everything, key=str) == sorted(by_customers, key=str)


async def test_ranking_teams_are_the_teams_affecting_each_pain_point(
    demo_store: GraphStore,
) -> None:
    ranked = await read(demo_store, "painpoint/ranking", by="teams", limit=100)
    affecting = await read(
        demo_store, "painpoint/affecting_teams", ids=[r["painPoint"]["id"] for r in ranked]
    )
    for row in ranked:
        teams = {r["team"]["id"] for r in affecting if r["painPoint"] == row["painPoint"]["id"]}
        assert row["teams"] == len(teams), row["painPoint"]["id"]


# -- Q9: painpoint/personas --------------------------------------------------------------------


async def test_personas_hitting_a_pain_point(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "painpoint/personas", ids=["pp-bb-no-show"])
    install = {
        "id": "st-bb-install",
        "name": "Installation day",
        "order": 4,
        "journey": "j-broadband",
    }
    # The 6 customers of the no-show feedback are all remote workers (the journey's persona);
    # c-0039, c-0040 and c-0054 are family planners too.
    assert rows == [
        {
            "painPoint": "pp-bb-no-show",
            "persona": {"id": "per-remote", "name": "Remote worker"},
            "mapped": True,
            "customers": 6,
            "stages": [install],
        },
        {
            "painPoint": "pp-bb-no-show",
            "persona": {"id": "per-family", "name": "Family planner"},
            "mapped": False,
            "customers": 3,
            "stages": [install],
        },
    ]


async def test_personas_batches(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store,
        "painpoint/personas",
        ids=["pp-switch-hidden-fees", "pp-nope", "pp-biz-move-notice"],
    )
    expected = [
        # no feedback evidences it: only the persona of its journey
        ("pp-biz-move-notice", "per-smallbiz", True, 0, ["st-biz-move"]),
        ("pp-switch-hidden-fees", "per-family", True, 7, ["st-switch-explore"]),
        # value seekers are the persona of no journey, but three of them complained
        ("pp-switch-hidden-fees", "per-value", False, 3, ["st-switch-explore"]),
    ]  # fmt: skip
    assert [
        (r["painPoint"], r["persona"]["id"], r["mapped"], r["customers"], ids(r["stages"]))
        for r in rows
    ] == expected
    assert await read(demo_store, "painpoint/personas", ids=["pp-nope"]) == []


# -- Q10: painpoint/opportunities, painpoint/without_opportunity -------------------------------


async def test_opportunities_addressing_pain_points(demo_store: GraphStore) -> None:
    rows = await read(
        demo_store,
        "painpoint/opportunities",
        ids=["pp-switch-hidden-fees", "pp-bb-no-show", "pp-nope", "pp-biz-repeat-story"],
    )
    # pp-bb-no-show is one of the severity-5 pain points that no opportunity addresses;
    # no opportunity of catalog.yaml has a verified_at
    assert rows == [
        {
            "painPoint": "pp-biz-repeat-story",
            "opportunity": {
                "id": "opp-dispute-case-owner",
                "name": "One case owner per billing dispute",
                "description": "A named billing specialist owns each dispute end to end, "
                "with the case history visible to every agent.",
                "status": "planned",
                "verifiedAt": None,
            },
            "owners": [BILLING_SUPPORT],
            "addresses": [
                {"id": "pp-biz-no-case-owner", "name": "Nobody owns the case end to end", "severity": 4},
                {"id": "pp-biz-repeat-story", "name": "Has to repeat the issue on every call", "severity": 4},
            ],
        },
        {
            "painPoint": "pp-switch-hidden-fees",
            "opportunity": {
                "id": "opp-price-calculator",
                "name": "Total-cost calculator at checkout",
                "description": "Show device, activation and pro-rata charges, and the first "
                "bill amount, before the order is placed.",
                "status": "in_progress",
                "verifiedAt": None,
            },
            "owners": [{"id": "team-web", "name": "Web & CMS"}],
            "addresses": [
                {"id": "pp-switch-bill-shock", "name": "First bill higher than quoted", "severity": 5},
                {"id": "pp-switch-hidden-fees", "name": "Fees only visible at checkout", "severity": 4},
            ],
        },
    ]  # fmt: skip


async def test_pain_points_without_opportunity(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "painpoint/without_opportunity", minSeverity=5)
    # the severity-5 ones of the demo's README, the most evidenced first
    assert [(r["painPoint"]["id"], r["customers"], r["momentOfTruth"]) for r in rows] == [
        ("pp-bb-no-show", 6, True),
        ("pp-switch-port-outage", 5, True),
        ("pp-biz-downtime", 4, True),
        ("pp-biz-dispute-slow", 3, True),
    ]
    assert rows[0] == {
        "painPoint": {
            "id": "pp-bb-no-show",
            "name": "Technician does not turn up",
            "severity": 5,
            "category": "missed-appointment",
        },
        "touchpoints": [{"id": "tp-bb-technician-visit", "name": "Technician installs the line"}],
        "journeys": [BROADBAND],
        "customers": 6,
        "severity": 5,
        "momentOfTruth": True,
    }


async def test_all_pain_points_without_opportunity(demo_store: GraphStore) -> None:
    # 7 opportunities address 11 of the 33 pain points
    rows = await read(demo_store, "painpoint/without_opportunity", minSeverity=0)
    assert len(rows) == 22
    severities = [r["severity"] for r in rows]
    assert severities == sorted(severities, reverse=True)
    addressed = await read(
        demo_store, "painpoint/opportunities", ids=[r["painPoint"]["id"] for r in rows]
    )
    assert addressed == []
    assert await read(demo_store, "painpoint/without_opportunity", minSeverity=6) == []


# -- Q11: freshness/stale ----------------------------------------------------------------------


async def test_stale_items(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "freshness/stale", since="2025-01-01")
    # the stale items of the demo's README, and every opportunity (none has a verified_at)
    expected = [
        ("Journey", "j-biz-dispute-move", "2024-09-18", "verified_before"),
        # owned by Field Scheduling, itself last verified on 2024-03-11
        ("Touchpoint", "tp-bb-book-slot", "2024-03-11", "owner_stale"),
        ("Touchpoint", "tp-bb-book-slot", "2024-03-11", "verified_before"),
        ("Touchpoint", "tp-bb-reminder", "2024-05-14", "verified_before"),
        ("Touchpoint", "tp-biz-collections-letter", "2024-10-30", "verified_before"),
        ("Touchpoint", "tp-biz-dispute-form", "2024-02-27", "verified_before"),
        ("Touchpoint", "tp-biz-move-request", "2024-08-07", "verified_before"),
        ("Touchpoint", "tp-biz-review", None, "not_verified"),
        ("Touchpoint", "tp-switch-sim-delivery", "2024-09-03", "verified_before"),
        ("Process", "proc-3.4", "2024-12-02", "verified_before"),
        ("Process", "proc-3.4.2", "2024-12-02", "verified_before"),
        ("Process", "proc-5.1.3", "2024-02-19", "verified_before"),
        ("Process", "proc-5.2.1", "2024-03-11", "verified_before"),
        ("Process", "proc-5.2.3", "2024-03-11", "verified_before"),
        ("Process", "proc-5.3.1", "2024-08-07", "verified_before"),
        ("Process", "proc-8.1.1", "2024-11-19", "verified_before"),
        ("Process", "proc-8.2", "2024-11-19", "verified_before"),
        ("Process", "proc-9.2.2", "2024-10-30", "verified_before"),
        ("System", "sys-catalogue", "2024-12-02", "verified_before"),
        ("System", "sys-esb", "2024-11-19", "verified_before"),
        ("System", "sys-fsm", "2024-05-14", "verified_before"),
        ("System", "sys-telephony", "2024-12-10", "verified_before"),
        ("Team", "team-field-scheduling", "2024-03-11", "verified_before"),
        ("Team", "team-integration", "2024-11-19", "verified_before"),
        ("Team", "team-marketing", "2024-12-02", "verified_before"),
        ("Opportunity", "opp-bill-from-go-live", None, "not_verified"),
        ("Opportunity", "opp-dispute-case-owner", None, "not_verified"),
        ("Opportunity", "opp-dunning-hold", None, "not_verified"),
        ("Opportunity", "opp-line-readiness", None, "not_verified"),
        ("Opportunity", "opp-port-tracker", None, "not_verified"),
        ("Opportunity", "opp-price-calculator", None, "not_verified"),
        ("Opportunity", "opp-slot-at-checkout", None, "not_verified"),
    ]  # fmt: skip
    assert [(r["label"], r["item"]["id"], r["verifiedAt"], r["reason"]) for r in rows] == expected
    assert rows[1] == {
        "label": "Touchpoint",
        "item": {"id": "tp-bb-book-slot", "name": "Book an installation slot"},
        "verifiedAt": "2024-03-11",
        "reason": "owner_stale",
        "owner": {
            "id": "team-field-scheduling",
            "name": "Field Scheduling",
            "verifiedAt": "2024-03-11",
        },
    }
    assert all(r["owner"] is None for r in rows if r["reason"] != "owner_stale")


async def test_stale_dates_are_compared_as_strings(demo_store: GraphStore) -> None:
    # Before every date of the demo: only what was never verified.
    rows = await read(demo_store, "freshness/stale", since="2000-01-01")
    assert {(r["label"], r["reason"]) for r in rows} == {
        ("Touchpoint", "not_verified"),
        ("Opportunity", "not_verified"),
    }
    assert len(rows) == 8
    # A day is not before itself: j-switch was verified on 2026-10-14.
    on_the_day = await read(demo_store, "freshness/stale", since="2026-10-14")
    next_day = await read(demo_store, "freshness/stale", since="2026-10-15")

    def journeys(rows: list[Row]) -> list[str]:
        return [r["item"]["id"] for r in rows if r["label"] == "Journey" and not r["owner"]]

    assert "j-switch" not in journeys(on_the_day)
    assert "j-switch" in journeys(next_day)


# -- exploration: graph/schema_overview, node/neighbourhood, node/paths -----------------------


async def test_schema_overview(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "graph/schema_overview")
    nodes = {r["label"]: r["nodes"] for r in rows}
    # the counts of the demo's README
    assert {label: nodes[label] for label in (
        "Team", "Person", "Process", "System", "Journey", "Stage", "Touchpoint", "PainPoint",
        "Customer", "Feedback", "Opportunity",
    )} == {
        "Team": 27, "Person": 102, "Process": 45, "System": 16, "Journey": 3, "Stage": 18,
        "Touchpoint": 38, "PainPoint": 33, "Customer": 80, "Feedback": 215, "Opportunity": 7,
    }  # fmt: skip
    assert [r["label"] for r in rows] == sorted(nodes)
    (team,) = [r for r in rows if r["label"] == "Team"]
    assert team["outgoing"] == [
        {"type": "OWNS", "target": "Journey", "count": 3},
        {"type": "OWNS", "target": "Opportunity", "count": 7},
        {"type": "OWNS", "target": "Process", "count": 43},  # 45 processes, 2 unowned
        {"type": "OWNS", "target": "System", "count": 15},  # 16 systems, sys-fsm unowned
        {"type": "OWNS", "target": "Touchpoint", "count": 34},  # 38 touchpoints, 4 unowned
        {"type": "PART_OF", "target": "Team", "count": 21},  # all 27 but the 6 divisions
        {"type": "PERFORMS", "target": "Process", "count": 39},
    ]
    assert team["incoming"] == [
        {"type": "LEADS", "source": "Person", "count": 26},  # Field Scheduling has no lead
        {"type": "MEMBER_OF", "source": "Person", "count": 102},
        {"type": "PART_OF", "source": "Team", "count": 21},
    ]
    # the relationships of graph/relationship_counts, each seen from both ends
    counts = {
        (r["source"], r["type"], r["target"]): r["count"]
        for r in await read(demo_store, "graph/relationship_counts")
    }
    outgoing = {
        (r["label"], o["type"], o["target"]): o["count"] for r in rows for o in r["outgoing"]
    }
    incoming = {
        (i["source"], i["type"], r["label"]): i["count"] for r in rows for i in r["incoming"]
    }
    assert outgoing == counts
    assert incoming == counts


async def test_neighbourhood_of_a_node(demo_store: GraphStore) -> None:
    rows = await read(demo_store, "node/neighbourhood", id="sys-fsm", limit=100)
    assert {r["degree"] for r in rows} == {11}
    assert all(
        r["node"] == {"id": "sys-fsm", "name": "Field Service Scheduling", "label": "System"}
        for r in rows
    )
    # systems.csv (depends_on), the journey files (systems:) and processes.csv (systems)
    assert [(r["type"], r["direction"], r["neighbour"]["id"]) for r in rows] == [
        ("DEPENDS_ON", "out", "sys-crm"),
        ("DEPENDS_ON", "out", "sys-esb"),
        ("SUPPORTS", "out", "tp-bb-book-slot"),
        ("SUPPORTS", "out", "tp-bb-reminder"),
        ("SUPPORTS", "out", "tp-bb-reschedule-call"),
        ("SUPPORTS", "out", "tp-bb-technician-visit"),
        ("SUPPORTS", "out", "tp-biz-new-site-install"),
        ("USES", "in", "proc-5.2"),
        ("USES", "in", "proc-5.2.1"),
        ("USES", "in", "proc-5.2.2"),
        ("USES", "in", "proc-5.2.3"),
    ]
    assert rows[0]["neighbour"] == {
        "id": "sys-crm",
        "name": "CRM (customer accounts & cases)",
        "label": "System",
    }
    assert await read(demo_store, "node/neighbourhood", id="sys-fsm", limit=3) == rows[:3]


async def test_neighbourhood_of_an_isolated_or_unknown_node(demo_store: GraphStore) -> None:
    assert await read(demo_store, "node/neighbourhood", id="sys-nope", limit=10) == []
    # a load run is linked to nothing (provenance is kept in properties)
    (run,) = await read(demo_store, "runs/list", limit=1)
    rows = await read(demo_store, "node/neighbourhood", id=run["id"], limit=10)
    assert rows == [
        {
            "node": {"id": run["id"], "name": None, "label": "LoadRun"},
            "degree": 0,
            "type": None,
            "direction": None,
            "neighbour": None,
        }
    ]


async def test_shortest_paths_between_two_nodes(demo_store: GraphStore) -> None:
    rows = await paths(demo_store, "team-field-scheduling", "pp-bb-no-show")
    # Nothing of Field Scheduling is behind the technician visit, so no path is shorter than
    # 4: the team, a process or touchpoint of its own, something next to the visit, the
    # visit, the pain point. There are 21 of them (the same as an enumeration of every path
    # of exactly 4 relationships between the two finds).
    assert len(rows) == 21
    assert {r["length"] for r in rows} == {4}
    assert rows[0] == {
        "length": 4,
        "nodes": [
            {"id": "team-field-scheduling", "name": "Field Scheduling", "label": "Team"},
            {"id": "proc-5.2.1", "name": "Schedule installation appointments", "label": "Process"},
            {"id": "proc-5.1.2", "name": "Provision broadband line", "label": "Process"},
            {"id": "tp-bb-technician-visit", "name": "Technician installs the line", "label": "Touchpoint"},
            {"id": "pp-bb-no-show", "name": "Technician does not turn up", "label": "PainPoint"},
        ],
        # provisioning hands off to scheduling (proc-5.1.2 -> proc-5.2.1): walked backwards
        "relationships": [
            {"type": "OWNS", "direction": "out"},
            {"type": "HANDS_OFF_TO", "direction": "in"},
            {"type": "SUPPORTS", "direction": "out"},
            {"type": "OCCURS_AT", "direction": "in"},
        ],
    }  # fmt: skip
    middles = [[n["id"] for n in r["nodes"][1:3]] for r in rows]
    assert ["proc-5.2.1", "sys-fsm"] in middles  # it uses the system behind the visit
    assert ["tp-bb-book-slot", "tp-bb-reminder"] in middles  # NEXT, NEXT
    assert len({str(r) for r in rows}) == 21
    assert await paths(demo_store, "team-field-scheduling", "pp-bb-no-show", limit=2) == rows[:2]


@pytest.mark.parametrize(
    ("source", "target", "length"),
    [
        ("tp-bb-book-slot", "tp-bb-reminder", 1),
        ("sys-fsm", "team-care", 3),  # sys-fsm -> sys-crm <- sys-telephony <- team-care
        ("pp-biz-move-notice", "opp-dunning-hold", 5),
        ("opp-slot-at-checkout", "team-cx", 6),
    ],
)
async def test_shortest_path_lengths(
    demo_store: GraphStore, source: str, target: str, length: int
) -> None:
    rows = await paths(demo_store, source, target)
    assert rows
    for row in rows:
        assert row["length"] == length == len(row["relationships"]) == len(row["nodes"]) - 1
        assert (row["nodes"][0]["id"], row["nodes"][-1]["id"]) == (source, target)
    assert len({str(row) for row in rows}) == len(rows)


async def test_no_path(demo_store: GraphStore) -> None:
    # the Executive Office owns nothing: only its people are linked to it
    assert await paths(demo_store, "team-exec", "pp-bb-no-show") == []
    # value seekers are the persona of no journey, and customers are not followed
    assert await paths(demo_store, "per-value", "team-bss") == []
    assert await paths(demo_store, "sys-fsm", "sys-fsm") == []
    assert await paths(demo_store, "sys-nope", "sys-fsm") == []


# -- the same answers on Neo4j -----------------------------------------------------------------


@pytest.mark.neo4j
@pytest.mark.skipif(
    not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set: no Neo4j 5 server"
)
@pytest.mark.parametrize("name", SAMPLES)
async def test_library_answers_are_the_same_on_neo4j(
    demo_neo4j: Loaded, demo_store: GraphStore, name: str
) -> None:
    on_neo4j = await demo_neo4j.store.read(name, SAMPLES[name])
    embedded = await demo_store.read(name, SAMPLES[name])
    if name == "graph/schema_overview":  # each engine has its own load runs
        on_neo4j = [r for r in on_neo4j if r["label"] != "LoadRun"]
        embedded = [r for r in embedded if r["label"] != "LoadRun"]
    assert embedded
    assert on_neo4j == embedded
