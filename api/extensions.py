"""GraphQL schema extensions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from queries.store import QueryStats, counting_queries


class EngineStats(SchemaExtension):
    """Reports the engine round trips of each operation in `extensions.engine`.

    `{"queries": 2, "ms": 0.41}`: how many queries the operation sent to the graph engine and
    the time the engine itself reported for them. Portal developers see the cost of a query;
    tests use it to show that nested queries do not make one round trip per result.
    """

    _stats: QueryStats | None = None

    def on_operation(self) -> Iterator[None]:
        with counting_queries() as stats:
            self._stats = stats
            yield

    def get_results(self) -> dict[str, Any]:
        if self._stats is None:
            return {}
        return {
            "engine": {"queries": self._stats.round_trips, "ms": round(self._stats.engine_ms, 3)}
        }
