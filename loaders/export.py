"""The whole graph out again: a canonical JSON Lines dump (and the base of the RDF export)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from ontology.model import load_schema
from queries.generated import node_query, rel_query
from queries.store import QueryRunner


async def dump(store: QueryRunner) -> AsyncIterator[dict[str, Any]]:
    """Every node, then every relationship, in a stable order (label, id; triple, ends);
    not the store's bookkeeping (`Schema.data_labels`).

    Nodes are `{"label", "id", "props"}`; relationships `{"type", "from": [label, id],
    "to": [label, id], "props"}`.
    """
    schema = load_schema()
    for label in sorted(schema.data_labels):
        for row in await store.read(node_query("all", label)):
            props = dict(sorted(row["node"].items()))
            yield {"label": label, "id": props.pop("id"), "props": props}
    for source, rel_type, target in sorted(schema.endpoints()):
        for row in await store.read(rel_query("all", source, rel_type, target)):
            yield {
                "type": rel_type,
                "from": [source, row["from"]],
                "to": [target, row["to"]],
                "props": dict(sorted(row["props"].items())),
            }


async def export_json(store: QueryRunner, path: Path) -> int:
    """Write the dump as JSON Lines; the same graph always gives the same bytes."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        async for item in dump(store):
            handle.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count
