"""Running analysts' Cypher, for the `cxgraph query` and `cxgraph cypher` commands and the
HTTP endpoint: a named query or an ad-hoc statement, read-only unless asked otherwise, with
a timeout and a row cap, and its result as a text table, JSON or CSV.

Reads pass the guard (`queries.guard.check_read_only`) and then run read-only on the engine
(GRAPH.RO_QUERY on FalkorDB, a READ transaction on Neo4j): a write that slipped past one
layer is refused by the other. The row cap fetches one row more than the limit, to tell
whether the result was cut.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from queries.errors import QueryRefused
from queries.guard import check_read_only, parameters, statement_text
from queries.registry import NamedQuery, all_queries, get_query
from queries.store import GraphStore, Params, QueryRunner, Row

DEFAULT_ROW_LIMIT = 1000
"""Rows an analyst's query returns at most unless told otherwise."""

AD_HOC = "cypher"
"""The name under which ad-hoc statements are counted (round trips, listeners)."""

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class QueryOutput:
    """The result of one analyst's query."""

    columns: list[str]
    rows: list[Row]
    """At most `limit` rows, each a dict in column order."""
    limit: int | None
    truncated: bool
    """True when the query had more rows than `limit` (only the first `limit` are here)."""
    engine_ms: float
    counters: Mapping[str, int] = field(default_factory=dict)
    """What a write changed (nodes_created, ...); zeros for a read."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: {columns, rows, truncated, limit, engineMs, counters}."""
        return {
            "columns": self.columns,
            "rows": json.loads(to_json(self.rows)),
            "truncated": self.truncated,
            "limit": self.limit,
            "engineMs": self.engine_ms,
            "counters": dict(self.counters),
        }


@dataclass(frozen=True)
class QueryInfo:
    """One named query as `cxgraph query list` shows it."""

    name: str
    purpose: str
    """The first sentence of its header."""
    reads_only: bool
    """Whether the guard lets it run as an analyst's query."""
    generated: bool


async def run_cypher(
    store: QueryRunner,
    text: str,
    params: Params | None = None,
    *,
    write: bool = False,
    limit: int | None = DEFAULT_ROW_LIMIT,
    timeout_s: float | None = None,
) -> QueryOutput:
    """Run one ad-hoc statement (a final `;` is allowed) and return at most `limit` rows
    (None: all), within `timeout_s` seconds (None: the store's timeout).

    Unless `write`, the statement must pass `check_read_only` (raises QueryRefused) and runs
    read-only on the engine; with `write` it runs unchecked in a write transaction (for
    administrators only: callers decide who may). `params` the statement does not use are
    not sent; a parameter it uses and `params` lack is refused.
    """
    if write:
        try:
            statement, used = statement_text(text), parameters(text)
        except QueryRefused:  # unchecked text: leave it to the engine
            statement, used = text, set(params or {})
    else:
        check_read_only(text, engine=_engine(store))
        statement, used = statement_text(text), parameters(text)
    sent = _parameters(used, params or {}, strict=False)
    query = NamedQuery(AD_HOC, statement, "", None, 1)
    return await _run(store, query, sent, write=write, limit=limit, timeout_s=timeout_s)


async def run_named(
    store: QueryRunner,
    name: str,
    params: Params | None = None,
    *,
    limit: int | None = DEFAULT_ROW_LIMIT,
    timeout_s: float | None = None,
) -> QueryOutput:
    """Run the named read query `name` as `run_cypher` does; named queries that write
    (feedback/measure, the generated upserts, ...) are refused. Parameters must be exactly
    those the query uses. Raises UnknownQuery for an unknown name."""
    query = get_query(name)
    try:
        check_read_only(query.text, engine=_engine(store))
    except QueryRefused as exc:
        line = None if exc.line is None else exc.line + query.first_line - 1
        raise QueryRefused(
            f"{name} is not a read-only query: {exc.reason}", line=line, column=exc.column
        ) from None
    sent = _parameters(parameters(query.text), params or {}, strict=True)
    return await _run(store, query, sent, write=False, limit=limit, timeout_s=timeout_s)


def named_queries(*, generated: bool = False) -> list[QueryInfo]:
    """The named queries in name order: the `.cypher` files, and the ones generated from
    the ontology when `generated`."""
    found = []
    for name, query in sorted(all_queries().items()):
        if query.path is None and not generated:
            continue
        try:
            check_read_only(query.text)
            reads_only = True
        except QueryRefused:
            reads_only = False
        found.append(QueryInfo(name, _purpose(query.doc), reads_only, query.path is None))
    return found


def describe(name: str) -> str:
    """The named query as its file holds it: the header as `//` lines, then the text."""
    query = get_query(name)
    header = "\n".join(f"// {line}".rstrip() for line in query.doc.splitlines())
    return f"{header}\n{query.text}\n"


def parse_param(option: str) -> tuple[str, Any]:
    """`key=value` as (key, value): the value as JSON when it is JSON (`20`, `true`,
    `["a", "b"]`, `{"k": 1}`, `"20"`), else as the string it is. Raises ValueError."""
    key, sep, raw = option.partition("=")
    key = key.strip()
    if not sep or not _PLAIN_NAME.fullmatch(key):
        raise ValueError(f"expected NAME=VALUE with a plain name, got {option!r}")
    try:
        return key, json.loads(raw)
    except ValueError:
        return key, raw


def _engine(store: QueryRunner) -> str | None:
    """The store's engine, whose own read-only procedures an analyst may call."""
    return store.engine if isinstance(store, GraphStore) else None


def _parameters(used: set[str], given: Params, *, strict: bool) -> dict[str, Any]:
    """The parameters to send: those of `given` the query uses; refuses a missing one, a
    name that is not plain and, when `strict`, one that the query does not use."""
    for key in given:
        if not _PLAIN_NAME.fullmatch(key):
            raise QueryRefused(f"parameter names must be plain names, got {key!r}")
    if missing := sorted(used - set(given)):
        raise QueryRefused(f"missing parameter {', '.join('$' + m for m in missing)}")
    if strict and (unknown := sorted(set(given) - used)):
        uses = ", ".join("$" + u for u in sorted(used)) or "none"
        raise QueryRefused(
            f"the query has no parameter {', '.join('$' + u for u in unknown)} (it uses {uses})"
        )
    return {key: value for key, value in given.items() if key in used}


async def _run(
    store: QueryRunner,
    query: NamedQuery,
    params: Params,
    *,
    write: bool,
    limit: int | None,
    timeout_s: float | None,
) -> QueryOutput:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be at least 0, got {limit}")
    if timeout_s is not None and timeout_s <= 0:
        raise ValueError(f"timeout_s must be positive, got {timeout_s}")
    result = await store.execute(
        query,
        params,
        write=write,
        timeout_s=timeout_s,
        max_rows=None if limit is None else limit + 1,
    )
    rows = result.rows if limit is None else result.rows[:limit]
    columns = list(result.columns) or (list(rows[0]) if rows else [])
    truncated = limit is not None and len(result.rows) > limit
    return QueryOutput(columns, rows, limit, truncated, result.engine_ms, result.counters)


def _purpose(doc: str) -> str:
    """The first sentence of a query's header (its first paragraph when it has no end)."""
    paragraph = " ".join(doc.split("\n\n", 1)[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return match.group(1) if match else paragraph


# --- formats ------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # dates and times
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


def to_json(value: Any, *, indent: int | None = None) -> str:
    """`value` (rows, cells) as JSON text; dates and times as ISO 8601 strings."""
    return json.dumps(value, indent=indent, ensure_ascii=False, default=_json_default)


def cell(value: Any) -> str:
    """A value as a table or CSV cell: null empty, booleans `true`/`false`, lists and maps
    as compact JSON, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | list | dict):
        return to_json(value) if isinstance(value, list | dict) else json.dumps(value)
    return str(value.isoformat()) if hasattr(value, "isoformat") else str(value)


def render(output: QueryOutput, fmt: Format) -> str:
    """The rows of `output` as text in `fmt`: an aligned plain-text table, a JSON array of
    row objects, or CSV with a header line. Ends with a newline."""
    if fmt == "json":
        return to_json(output.rows, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(output.columns)
        writer.writerows([cell(row.get(c)) for c in output.columns] for row in output.rows)
        return buffer.getvalue()
    if fmt == "table":
        return text_table(output.columns, output.rows)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def is_number(value: Any) -> bool:
    """True for integers and floats, not booleans (numbers are aligned right in tables)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def text_table(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """Rows as a plain-text table: a header, a rule, then one line per row; numbers are
    aligned right, line breaks in a cell shown as `\\n`."""
    cells = [[cell(row.get(c)).replace("\n", "\\n") for c in columns] for row in rows]
    numeric = [
        all(is_number(row.get(c)) for row in rows if row.get(c) is not None) for c in columns
    ]
    widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ).rstrip()

    lines = [line(columns), line(["-" * w for w in widths]), *(line(values) for values in cells)]
    return "\n".join(lines) + "\n"
