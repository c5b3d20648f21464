"""The engine's own write speed, measured in the same run as the loads it is compared with.

The speed of this machine varies from one day to the next (runs of the same loader on the
same files have differed by 1.6x); the loads are only comparable across runs beside what
the engine alone does the same hour. This writes nodes and relationships shaped like the
bulk of a load (customers with their personas and segment, feedback given by customers)
with `UNWIND $rows MERGE` in batches of 5,000 — the project's generated upsert queries —
into a scratch graph of the same engine, and reports nodes/s and relationships/s, both as
the client sees them and by the engine's own time.
"""

from __future__ import annotations

import random
import time
from typing import Any

from queries.falkor import FalkorStore
from queries.generated import node_query, rel_query
from queries.store import GraphStore, Row, chunks

PERSONAS = 24
SEGMENTS = 8


def _rows(
    scale: float, seed: int
) -> tuple[dict[str, list[Row]], dict[tuple[str, str, str], list[Row]]]:
    """Nodes by label and relationships by (source, type, target), as upsert rows."""
    customers = max(1, round(200_000 * scale))
    feedback = max(1, round(180_000 * scale))
    rnd = random.Random(seed)

    def node(id: str, **props: Any) -> Row:
        return {"id": id, "source": "reference", "props": props}

    def rel(a: str, b: str) -> Row:
        return {"from": a, "to": b, "source": "reference", "props": {}}

    nodes = {
        "Persona": [node(f"per-{i}", name=f"Persona {i}") for i in range(PERSONAS)],
        "Segment": [node(f"seg-{i}", name=f"Segment {i}") for i in range(SEGMENTS)],
        "Customer": [
            node(f"c-{i}", name=f"Customer {i}", email=f"c{i}@example.com", since="2024-05-01")
            for i in range(customers)
        ],
        "Feedback": [
            node(f"fb-{i}", date="2026-10-01", kind="ticket", category="wait-time",
                 text="The queue never moves.")
            for i in range(feedback)
        ],
    }  # fmt: skip
    rels = {
        ("Customer", "HAS_PERSONA", "Persona"): [
            rel(f"c-{i}", f"per-{rnd.randrange(PERSONAS)}") for i in range(customers)
        ],
        ("Customer", "IN_SEGMENT", "Segment"): [
            rel(f"c-{i}", f"seg-{rnd.randrange(SEGMENTS)}") for i in range(customers)
        ],
        ("Feedback", "GIVEN_BY", "Customer"): [
            rel(f"fb-{i}", f"c-{rnd.randrange(customers)}") for i in range(feedback)
        ],
    }
    return nodes, rels


async def engine_reference(store: GraphStore, scale: float, seed: int) -> dict[str, Any]:
    """Write the reference rows into `store`'s (empty, scratch) graph and drop it again:
    nodes/s and relationships/s, client and engine, with the counts written."""
    nodes, rels = _rows(scale, seed)
    await store.apply_schema()
    wall = {"nodes": 0.0, "relationships": 0.0}
    engine_ms = {"nodes": 0.0, "relationships": 0.0}
    try:
        batches = [(node_query("upsert", label), rows, "nodes") for label, rows in nodes.items()]
        batches += [(rel_query("upsert", *t), rows, "relationships") for t, rows in rels.items()]
        for query, rows, kind in batches:
            for batch in chunks(rows):
                started = time.perf_counter()
                result = await store.write(query, {"rows": batch})
                wall[kind] += time.perf_counter() - started
                engine_ms[kind] += result.engine_ms
    finally:
        if isinstance(store, FalkorStore):
            await store.drop()
    counts = {
        "nodes": sum(map(len, nodes.values())),
        "relationships": sum(map(len, rels.values())),
    }
    return {
        "query": "UNWIND $rows MERGE, batches of 5000 (upsert/node/*, upsert/rel/*)",
        **counts,
        "per_s": {kind: round(counts[kind] / wall[kind]) for kind in counts},
        "engine_per_s": {kind: round(counts[kind] / (engine_ms[kind] / 1000)) for kind in counts},
    }
