"""What the demo company's files (loaders/demo) say, as expected values for the page tests."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import loaders

DEMO_DIR = Path(loaders.__file__).parent / "demo"


def _rows(name: str) -> list[dict[str, str]]:
    with (DEMO_DIR / name).open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _ids(cell: str) -> list[str]:
    return [part for part in cell.split(";") if part]


@dataclass
class Stage:
    id: str
    name: str
    touchpoints: list[dict[str, Any]]
    emotion: dict[str, float] = field(default_factory=dict)


@dataclass
class Journey:
    id: str
    name: str
    persona: str
    stages: list[Stage]

    @property
    def touchpoints(self) -> list[dict[str, Any]]:
        return [tp for stage in self.stages for tp in stage.touchpoints]

    @property
    def pain_points(self) -> list[dict[str, Any]]:
        return [pp for tp in self.touchpoints for pp in tp.get("pain_points", [])]


@cache
def journeys() -> dict[str, Journey]:
    """Every journey of the demo's journey files, stages and touchpoints in order."""
    found: dict[str, Journey] = {}
    for path in sorted((DEMO_DIR / "journeys").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for journey in document.get("journeys", []):
            stages = [
                Stage(
                    stage["id"],
                    stage["name"],
                    list(stage.get("touchpoints", [])),
                    {
                        metric["phase"]: float(metric["value"])
                        for metric in stage.get("metrics", [])
                        if metric["metric"] == "emotion"
                    },
                )
                for stage in journey["stages"]
            ]
            found[journey["id"]] = Journey(
                journey["id"], journey["name"], journey["persona"], stages
            )
    return found


@cache
def teams() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in _rows("teams.csv")}


@cache
def systems() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in _rows("systems.csv")}


@cache
def processes() -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in _rows("processes.csv")}


def ancestors(team_id: str) -> list[str]:
    """The units above a team, nearest first."""
    found = []
    parent = teams()[team_id]["parent"]
    while parent:
        found.append(parent)
        parent = teams()[parent]["parent"]
    return found


def dependents(system_id: str) -> set[str]:
    """Systems depending on `system_id`, directly or through others."""
    found: set[str] = set()
    frontier = {system_id}
    while frontier:
        frontier = {
            row["id"]
            for row in systems().values()
            if set(_ids(row["depends_on"])) & frontier and row["id"] not in found
        }
        found |= frontier
    return found


def process_teams(process_id: str) -> set[str]:
    row = processes()[process_id]
    return {*_ids(row["owner"]), *_ids(row["performers"])}


def handoffs(team_id: str) -> set[tuple[str, str]]:
    """(process of the team, other process) pairs where work passes to or from a process
    with another team."""
    mine = {pid for pid in processes() if team_id in process_teams(pid)}
    pairs: set[tuple[str, str]] = set()
    for pid, row in processes().items():
        for target in _ids(row["hands_off_to"]):
            if pid in mine and process_teams(target) - {team_id}:
                pairs.add((pid, target))
            if target in mine and process_teams(pid) - {team_id}:
                pairs.add((target, pid))
    return pairs


def owned_touchpoints(team_id: str) -> set[str]:
    return {
        tp["id"]
        for journey in journeys().values()
        for tp in journey.touchpoints
        if tp.get("owner") == team_id
    }


def feedback_count(touchpoint_id: str, category: str) -> int:
    """Feedback about a touchpoint in a pain point's category: the evidence of that pain
    point."""
    return sum(
        1
        for row in _rows("feedback.csv")
        if row["touchpoint"] == touchpoint_id and row["category"] == category
    )
