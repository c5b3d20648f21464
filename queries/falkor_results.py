"""FalkorDB's compact result format, read straight into plain Python values.

The engine answers `GRAPH.QUERY … --compact` with `[header, rows, statistics]` (or only
`[statistics]`), each value a `[type, value]` pair. The `falkordb` client reads these with a
coroutine per value and builds node and edge objects, which cxgraph never returns; reading
them here in one synchronous pass, refusing graph objects, is several times faster on the
API's hot path, where answers hold hundreds of small maps.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from queries.errors import QueryError

# value types of the compact format
NULL, STRING, INTEGER, BOOLEAN, DOUBLE, ARRAY = 1, 2, 3, 4, 5, 6
EDGE, NODE, PATH, MAP, POINT, VECTORF32 = 7, 8, 9, 10, 11, 12
DATETIME, DATE, TIME, DURATION = 13, 14, 15, 16

_GRAPH_OBJECTS = {EDGE: "relationship", NODE: "node", PATH: "path"}
_STATISTIC = re.compile(r"^(?P<name>[A-Za-z ]+): (?P<value>[0-9.]+)")


def _text(raw: Any) -> str:
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def _epoch(raw: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)


def _refuse(kind: int) -> Callable[[Any], Any]:
    def refuse(_: Any) -> Any:
        raise QueryError(
            f"a query returned a {_GRAPH_OBJECTS.get(kind, f'value of type {kind}')}; "
            "return plain values or map projections"
        )

    return refuse


def _map(raw: Sequence[Any]) -> dict[str, Any]:
    items = iter(raw)
    return {_text(key): value(cell) for key, cell in zip(items, items, strict=True)}


_READERS: dict[int, Callable[[Any], Any]] = {
    NULL: lambda _: None,
    STRING: _text,
    INTEGER: int,
    BOOLEAN: lambda raw: _text(raw) == "true",
    DOUBLE: float,
    ARRAY: lambda raw: [value(cell) for cell in raw],
    MAP: _map,
    POINT: lambda raw: {"latitude": float(raw[0]), "longitude": float(raw[1])},
    VECTORF32: lambda raw: [float(x) for x in raw],
    DATETIME: _epoch,
    DATE: lambda raw: _epoch(raw).date(),
    TIME: lambda raw: _epoch(raw).time(),
}


def value(cell: Sequence[Any]) -> Any:
    """The plain value of one `[type, value]` cell; graph objects are refused."""
    kind, raw = cell
    if kind == STRING:  # by far the most common: skip the table
        return raw if type(raw) is str else _text(raw)
    reader = _READERS.get(kind)
    if reader is None:
        return _refuse(kind)(raw)
    return reader(raw)


@dataclass(frozen=True)
class CompactResult:
    """The columns, rows and statistics of one compact answer."""

    columns: list[str]
    rows: list[dict[str, Any]]
    statistics: dict[str, float] = field(default_factory=dict)

    @property
    def engine_ms(self) -> float:
        """The engine's own execution time."""
        return self.statistics.get("Query internal execution time", 0.0)


def read_compact(response: Sequence[Any], max_rows: int | None = None) -> CompactResult:
    """The result of a compact-format response; rows past `max_rows` are not converted."""
    if not response:
        raise QueryError("the engine sent an empty answer")
    if isinstance(response[-1], Exception):  # a run-time error after the header
        raise QueryError(str(response[-1]))
    statistics: dict[str, float] = {}
    for line in response[-1]:
        if match := _STATISTIC.match(_text(line)):
            statistics[match["name"]] = float(match["value"])
    if len(response) == 1:
        return CompactResult([], [], statistics)
    columns = [_text(column[1]) for column in response[0]]
    records = response[1] if max_rows is None else response[1][:max_rows]
    rows = [
        {column: value(cell) for column, cell in zip(columns, record, strict=True)}
        for record in records
    ]
    return CompactResult(columns, rows, statistics)
