"""Domain errors raised by the graph layer; the API and the CLI map them at their edges."""

from __future__ import annotations


class CxGraphError(Exception):
    """Base class of every error cxgraph raises on purpose."""


class EngineStartError(CxGraphError):
    """The embedded engine could not be started; the message says why and what to do."""


class EngineUnavailable(CxGraphError):
    """The graph engine did not answer."""


class QueryError(CxGraphError):
    """The engine refused or failed a query."""


class UnknownQuery(CxGraphError):
    """No named query has this name."""


class NotFound(CxGraphError):
    """The requested entity does not exist."""


class GraphBusy(CxGraphError):
    """Another load (or other unit of work) is writing to the graph."""


class QueryRefused(CxGraphError):
    """An analyst's query was refused before it reached the engine (it writes, administers,
    holds several statements, ...); the message says what was refused and where."""

    def __init__(
        self,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"refused{where}: {reason}" + (f" ({hint})" if hint else ""))
        self.reason = reason
        self.line = line
        self.column = column
        self.hint = hint
