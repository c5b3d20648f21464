"""Measurements derived from feedback: computed by the engine, written where they differ.

The engine computes the monthly CSAT, NPS and CES of touchpoints or channels and compares
them with the measurements the graph holds (feedback/measure, feedback/measure_channels);
only those that are new or changed are written, so that measuring what did not change
writes nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ontology.model import load_schema
from queries.generated import create_columns, node_query, rel_query
from queries.store import QueryRunner, Row, chunks

MEASURED = {
    "Touchpoint": ("feedback/measure", "touchpoints"),
    "Channel": ("feedback/measure_channels", "channels"),
}
"""The labels measured, with the query computing their measurements and its parameter."""


@dataclass
class Measured:
    """What measuring some touchpoints or channels did."""

    kept: list[tuple[str, str]] = field(default_factory=list)
    """(measurement id, measured item id) of every measurement of them, written or not."""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    """OF relationships created (of new measurements, or of ones that had none)."""


async def measure(
    runner: QueryRunner, label: str, ids: Sequence[str], *, source: str, load_run: str
) -> Measured:
    """Compute the measurements of the `label` items `ids` (Touchpoint or Channel) from the
    feedback the graph holds, and write those that are new or changed, from `source` in
    `load_run`; in batches of the store's batch size."""
    query, parameter = MEASURED[label]
    columns = create_columns(load_schema().node_types["Measurement"])
    provenance = {"source": source, "loadRun": load_run}
    measured = Measured()
    for batch in chunks(list(ids)):
        rows = await runner.read(query, {parameter: batch})
        measured.kept += [(row["id"], row["of"]) for row in rows]
        new = [row for row in rows if not row["known"]]
        changed = [row for row in rows if row["known"] and not row["same"]]
        unlinked = [row for row in rows if not row["linked"]]  # the new ones among them
        measured.created += len(new)
        measured.updated += len(changed)
        measured.unchanged += len(rows) - len(new) - len(changed)
        measured.linked += len(unlinked)
        if new:
            await runner.write_rows(
                node_query("create", "Measurement"),
                [[row["id"], *map(_props(row).get, columns)] for row in new],
                params=provenance,
            )
        if changed:
            await runner.write_rows(
                node_query("upsert", "Measurement"),
                [_upserted(row, source, load_run) for row in changed],
            )
        if unlinked:
            await runner.write_rows(
                rel_query("create", "Measurement", "OF", label),
                [[row["id"], row["of"]] for row in unlinked],
                params=provenance,
            )
    return measured


def _props(row: Row) -> dict[str, Any]:
    """The properties of a measurement computed by feedback/measure(_channels)."""
    return {key: row[key] for key in ("metric", "date", "value", "sampleSize")} | {"phase": "after"}


def _upserted(row: Row, source: str, load_run: str) -> dict[str, Any]:
    """A row of upsert/node/Measurement for a measurement the graph holds with other values."""
    return {"id": row["id"], "source": source, "props": {**_props(row), "loadRun": load_run}}
