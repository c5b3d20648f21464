"""Queries for pages of nodes of one label, filtered and sorted: built from the ontology.

A list request names a label, conditions on its properties and neighbours, a sort
property and a page. `list_query` and `count_query` build the Cypher for it from fixed
clause templates and names taken from the ontology's schema model only; every value
travels as a parameter (`$p0`, `$p1`, … in the order of the conditions). The same request
always gives the same text, so the engine's plan cache serves repeated requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from ontology.model import load_schema
from queries.errors import QueryError
from queries.registry import NamedQuery


class Test(Enum):
    """How a condition compares a node with its parameter."""

    EQUALS = "{n}.{key} = {p}"
    IN = "{n}.{key} IN {p}"
    CONTAINS = "toLower({n}.{key}) CONTAINS toLower({p})"
    AT_LEAST = "{n}.{key} >= {p}"
    AT_MOST = "{n}.{key} <= {p}"
    ID_IN = "{n}.id IN {p}"
    # neighbours over (source)-[TYPE]->(target); `key` is `TYPE:Other` and the direction
    # comes from `outgoing`
    LINKED_TO = "({n}){arrow}(:{other} {{id: {p}}})"
    HAS_LINK = "({n}){arrow}(:{other})"
    HAS_NO_LINK = "NOT ({n}){arrow}(:{other})"


@dataclass(frozen=True)
class Condition:
    """One condition of a list request: `test` on property `key`, or on the neighbours of
    relationship `key` (`TYPE`) with `other` at the far end."""

    test: Test
    key: str
    other: str = ""
    outgoing: bool = True

    @property
    def takes_value(self) -> bool:
        return self.test not in (Test.HAS_LINK, Test.HAS_NO_LINK)


@dataclass(frozen=True)
class Listing:
    """A list request without its values: label, conditions, sort property and direction."""

    label: str
    conditions: tuple[Condition, ...] = ()
    order_by: str = "id"
    descending: bool = False


def _check(listing: Listing) -> None:
    schema = load_schema()
    node = schema.node_types.get(listing.label)
    if node is None:
        raise QueryError(f"unknown label {listing.label!r}")
    keys = set(node.properties)
    if listing.order_by not in keys:
        raise QueryError(f"{listing.label} has no property {listing.order_by!r} to sort by")
    for condition in listing.conditions:
        if condition.test in (Test.LINKED_TO, Test.HAS_LINK, Test.HAS_NO_LINK):
            triple = (
                (listing.label, condition.key, condition.other)
                if condition.outgoing
                else (condition.other, condition.key, listing.label)
            )
            if triple not in set(schema.endpoints()):
                raise QueryError(f"no relationship {triple[1]} from {triple[0]} to {triple[2]}")
        elif condition.test is not Test.ID_IN and condition.key not in keys:
            raise QueryError(f"{listing.label} has no property {condition.key!r}")


def _where(listing: Listing) -> str:
    clauses = []
    values = 0
    for condition in listing.conditions:
        arrow = f"-[:{condition.key}]->" if condition.outgoing else f"<-[:{condition.key}]-"
        clauses.append(
            condition.test.value.format(
                n="n", key=condition.key, p=f"$p{values}", arrow=arrow, other=condition.other
            )
        )
        values += condition.takes_value
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


@lru_cache(maxsize=1024)
def list_query(listing: Listing) -> NamedQuery:
    """The query for one page: parameters `$p0…` (condition values), `$skip`, `$limit`.

    Rows `{node}` with all properties, sorted by the sort property (missing values last
    going up, first going down, as both engines sort nulls), then by id.
    """
    _check(listing)
    direction = " DESC" if listing.descending else ""
    order = f"n.{listing.order_by}{direction}" + (", n.id" if listing.order_by != "id" else "")
    text = (
        f"MATCH (n:{listing.label}){_where(listing)} RETURN n {{.*}} AS node "
        f"ORDER BY {order} SKIP $skip LIMIT $limit"
    )
    return NamedQuery(f"list/{listing.label}", text, "Built by queries.listing.", None, 1)


@lru_cache(maxsize=1024)
def count_query(listing: Listing) -> NamedQuery:
    """How many nodes the request matches, whatever the page: one row `{count}`."""
    _check(listing)
    text = f"MATCH (n:{listing.label}){_where(listing)} RETURN count(n) AS count"
    return NamedQuery(f"count/{listing.label}", text, "Built by queries.listing.", None, 1)


def parameters(listing: Listing, values: list[Any]) -> dict[str, Any]:
    """The `$p0…` parameters of `listing` from the values of its conditions, in order."""
    expected = sum(condition.takes_value for condition in listing.conditions)
    if len(values) != expected:
        raise QueryError(f"{expected} condition values expected, {len(values)} given")
    return {f"p{i}": value for i, value in enumerate(values)}


def every_clause() -> Iterator[Listing]:
    """List requests that together use every clause template for every label, property,
    relationship and sort: what the tests lint and run, standing for all combinations."""
    schema = load_schema()
    for label, node in sorted(schema.node_types.items()):
        found = [Condition(Test.ID_IN, "id")]
        for prop in node.properties:
            found += [Condition(test, prop) for test in (Test.EQUALS, Test.IN, Test.CONTAINS)]
            found += [Condition(test, prop) for test in (Test.AT_LEAST, Test.AT_MOST)]
        for source, rel_type, target in sorted(schema.endpoints()):
            for outgoing, other in ((True, target), (False, source)):
                if (source if outgoing else target) == label:
                    found += [
                        Condition(test, rel_type, other, outgoing)
                        for test in (Test.LINKED_TO, Test.HAS_LINK, Test.HAS_NO_LINK)
                    ]
        yield Listing(label, tuple(found))
        for prop in node.properties:
            yield Listing(label, (), prop, descending=prop != "id")
