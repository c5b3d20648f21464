"""Checks that need the whole load: duplicate ids, references, cardinalities and cycles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from loaders.records import Batch, LoadProblem, NodeRecord, RelRecord
from ontology.model import Schema

MAX_PROBLEMS = 200


def check_batch(batch: Batch, schema: Schema, existing: dict[str, set[str]]) -> list[LoadProblem]:
    """Every problem of `batch`, given the ids of `existing` nodes by label."""
    problems = list(batch.problems)
    first: dict[tuple[str, str], NodeRecord] = {}
    for node in batch.nodes:
        key = (node.label, node.id)
        if key in first:
            problems.append(
                LoadProblem(
                    node.origin.at("id"),
                    f"duplicate {node.label} id, first given at {first[key].origin}",
                    node.id,
                )
            )
        else:
            first[key] = node
    known: dict[str, set[str]] = defaultdict(set)
    for label, node_id in first:
        known[label].add(node_id)
    for label, ids in existing.items():
        known[label] |= ids

    for rel in batch.rels:
        if not schema.relationship_types[rel.type].connects(rel.source_label, rel.target_label):
            problems.append(
                LoadProblem(
                    rel.origin, f"a {rel.source_label} cannot {rel.type} a {rel.target_label}"
                )
            )
        for label, node_id in (
            (rel.source_label, rel.source_id),
            (rel.target_label, rel.target_id),
        ):
            if node_id not in known[label]:
                problems.append(LoadProblem(rel.origin, f"no {label} has this id", node_id))
    problems.extend(_cardinality(batch.rels, schema))
    for rel_type, label in (("REPORTS_TO", "Person"), ("PART_OF", "Team"), ("PART_OF", "Process")):
        problems.extend(
            _cycles([r for r in batch.rels if r.type == rel_type and r.source_label == label])
        )
    return problems[:MAX_PROBLEMS]


def referenced_ids(batch: Batch) -> dict[str, set[str]]:
    """Ids referenced by relationships but not given as nodes in the batch, by label."""
    given = {(n.label, n.id) for n in batch.nodes}
    wanted: dict[str, set[str]] = defaultdict(set)
    for rel in batch.rels:
        for key in ((rel.source_label, rel.source_id), (rel.target_label, rel.target_id)):
            if key not in given:
                wanted[key[0]].add(key[1])
    return wanted


def _cardinality(rels: Iterable[RelRecord], schema: Schema) -> Iterable[LoadProblem]:
    seen: dict[tuple[str, str, str], list[RelRecord]] = defaultdict(list)
    for rel in rels:
        group = seen[(rel.source_label, rel.source_id, rel.type)]
        if all(other.key != rel.key for other in group):
            group.append(rel)
    for (label, _, rel_type), group in seen.items():
        for endpoint in schema.relationship_types[rel_type].endpoints:
            limit = endpoint.max_count
            if endpoint.source == label and limit is not None and len(group) > limit:
                yield LoadProblem(
                    group[-1].origin,
                    f"a {label} has at most {limit} {rel_type}; also given at {group[0].origin}",
                    group[-1].target_id,
                )


def _cycles(rels: list[RelRecord]) -> Iterable[LoadProblem]:
    """One problem per cycle in a graph of relationships that must form a forest."""
    parents: dict[str, list[RelRecord]] = defaultdict(list)
    for rel in rels:
        parents[rel.source_id].append(rel)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(parents):
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
                path.append(node)
            edges = parents.get(node, [])
            if index < len(edges):
                stack.append((node, index + 1))
                nxt = edges[index].target_id
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt]
                    yield LoadProblem(
                        edges[index].origin,
                        f"{edges[index].type} forms a cycle: {' -> '.join(cycle)}",
                        nxt,
                    )
                elif state.get(nxt) != 2:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
