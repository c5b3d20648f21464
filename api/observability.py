"""Operations: readiness, Prometheus metrics and one structured log line per request.

`install_observability(app, settings)` adds to an app:

- `GET /readyz` — ready when the graph engine answers *and* the graph's schema (the unique
  constraints and indexes generated from the ontology) is in place: a graph that was never
  set up (`cxgraph schema apply`, a load, or `cxgraph serve`) cannot answer correctly or
  fast. An empty graph with its schema is ready. `GET /healthz` stays the liveness check.
- `GET /metrics` — Prometheus metrics of this app, from a registry of its own.
- a pure ASGI middleware that gives each request an id (`X-Request-ID`, taken from the
  request when it is short and safe, else generated, and echoed in the response), counts
  and times it, and writes one log line for it.
- a listener on the app's graph store counting engine queries by name.

Per-request work is kept to a few dictionary look-ups, counter increments and one log call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics import MetricWrapperBase
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from api.settings import ApiSettings
from queries.store import GraphStore

__all__ = [
    "REQUEST_ID_HEADER",
    "GraphQLOperations",
    "LogHandler",
    "Metrics",
    "ObservabilityMiddleware",
    "configure_logging",
    "current_request_id",
    "install_observability",
    "readiness",
]

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = REQUEST_ID_HEADER.lower().encode()
# Taken from the client only when short and made of characters safe in a header and a log.
_SAFE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")

READY_TIMEOUT_S = 2.0
"""How long /readyz waits for the engine before it says it is not ready."""

# Latency buckets in seconds around the API's target of a few milliseconds per request.
_LATENCY_BUCKETS = (
    0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # logged at DEBUG: polled all day
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_MAX_OPERATION_NAMES = 200  # operation names are chosen by clients: bound the label values

access_log = logging.getLogger("cxgraph.access")
log = logging.getLogger("cxgraph.api")


# -- the current request --------------------------------------------------------------------


@dataclass(slots=True)
class _RequestRecord:
    """What is learnt about one request while it runs (engine queries, GraphQL operations)."""

    request_id: str
    engine_queries: int = 0
    engine_ms: float = 0.0
    operations: list[tuple[str | None, int]] = field(default_factory=list)
    """(operation name, number of errors) of each GraphQL operation of the request."""
    answer: str | None = None
    """`reused` when a kept answer was sent (api.answers), `computed` when one was looked
    for and not found; None when answers are not kept."""


_current: ContextVar[_RequestRecord | None] = ContextVar("cxgraph_request", default=None)


def current_request_id() -> str | None:
    """The id of the HTTP request being served in this task, if any."""
    record = _current.get()
    return record.request_id if record is not None else None


Operations = list[tuple[str | None, int]]


def note_answer(*, reused: bool, operations: Sequence[tuple[str | None, int]] = ()) -> None:
    """Record whether the current request's GraphQL answer was reused (api.answers), and
    the operations the reused answer answers, as if they ran."""
    if (record := _current.get()) is not None:
        record.answer = "reused" if reused else "computed"
        record.operations.extend(operations)


def current_operations() -> Operations:
    """(name, errors) of the GraphQL operations the current request ran so far."""
    record = _current.get()
    return list(record.operations) if record is not None else []


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for key, value in headers:
        if key == _REQUEST_ID_KEY:
            if _SAFE_REQUEST_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return os.urandom(16).hex()  # 128 random bits, as a UUID4 has (less its version bits)


# -- metrics --------------------------------------------------------------------------------


class Metrics:
    """The Prometheus metrics of one app, in a registry of their own.

    Label children are cached in plain dicts: `labels()` takes a lock and validates its
    arguments on every call, which would be most of the per-request cost.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "cxgraph_http_requests",
            "HTTP requests served, by method, route template and status code.",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "cxgraph_http_request_duration_seconds",
            "Time from receiving a request to sending the end of its response.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.graphql_operations = Counter(
            "cxgraph_graphql_operations",
            "GraphQL operations, by operation name (`anonymous` without one, `other` past "
            f"{_MAX_OPERATION_NAMES} names) and outcome (`ok`, or `error` with any error).",
            ["operation", "outcome"],
            registry=r,
        )
        self.graphql_errors = Counter(
            "cxgraph_graphql_errors",
            "Errors in GraphQL responses (syntax, validation and resolver errors).",
            ["operation"],
            registry=r,
        )
        self.engine_queries = Counter(
            "cxgraph_engine_queries",
            "Queries sent to the graph engine, by named query.",
            ["query"],
            registry=r,
        )
        self.engine_seconds = Counter(
            "cxgraph_engine_query_seconds",
            "Time the graph engine itself reported for those queries.",
            ["query"],
            registry=r,
        )
        self.engine_round_trip_seconds = Counter(
            "cxgraph_engine_round_trip_seconds",
            "Wall time of those queries as seen by the API (engine time plus transport).",
            ["query"],
            registry=r,
        )
        self.answers = Counter(
            "cxgraph_graphql_answers",
            "GraphQL answers looked up among those kept for the graph's current version: "
            "`reused`, or `computed` when none was kept.",
            ["outcome"],
            registry=r,
        )
        ProcessCollector(registry=r)  # memory, CPU, open files: read only when scraped
        self._children: dict[tuple[Any, ...], Any] = {}
        self._operation_names: set[str] = set()

    def _child(self, metric: MetricWrapperBase, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one HTTP request and its duration."""
        self._child(self.http_requests, method, route, str(status)).inc()
        self._child(self.http_duration, method, route).observe(seconds)

    def observe_operation(self, name: str | None, errors: int) -> None:
        """Count one GraphQL operation and its errors."""
        label = self._operation_label(name)
        self._child(self.graphql_operations, label, "error" if errors else "ok").inc()
        if errors:
            self._child(self.graphql_errors, label).inc(errors)

    def observe_query(self, name: str, engine_ms: float, wall_ms: float) -> None:
        """Count one engine query (a `GraphStore` listener)."""
        self._child(self.engine_queries, name).inc()
        self._child(self.engine_seconds, name).inc(engine_ms / 1000)
        self._child(self.engine_round_trip_seconds, name).inc(wall_ms / 1000)

    def observe_answer(self, outcome: str) -> None:
        """Count one GraphQL answer looked up in the kept answers (`reused` or `computed`)."""
        self._child(self.answers, outcome).inc()

    def _operation_label(self, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if name in self._operation_names:
            return name
        if not _GRAPHQL_NAME.fullmatch(name):
            return "invalid"
        if len(self._operation_names) >= _MAX_OPERATION_NAMES:
            return "other"
        self._operation_names.add(name)
        return name

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)


# -- GraphQL --------------------------------------------------------------------------------


class GraphQLOperations(SchemaExtension):
    """Reports each operation's name and error count to the request it belongs to.

    It only writes to the current request's record (nothing when there is none), so one
    schema can serve several apps, each counting into its own metrics.
    """

    def on_operation(self) -> Iterator[None]:
        errors = 0
        try:
            yield
        except Exception:
            errors = 1  # refused before execution: no query, or a mutation over GET, say
            raise
        finally:
            if (record := _current.get()) is not None:
                context = self.execution_context
                errors += len(context.pre_execution_errors or ())
                name = context.operation_name
                record.operations.append((name if isinstance(name, str) else None, errors))


# -- the middleware -------------------------------------------------------------------------


class ObservabilityMiddleware:
    """Request id, metrics and the access log line of every HTTP request (pure ASGI).

    The metrics and the log line are written just before the last body chunk of the response
    is sent, so a client that has its response sees them. An exception that escapes the app
    is logged with its stack trace and answered with a 500 carrying the request id.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        record = _RequestRecord(_request_id(scope["headers"]))
        header = (_REQUEST_ID_KEY, record.request_id.encode("ascii"))
        status = 500
        response_started = finished = False

        async def send_observed(message: Message) -> None:
            nonlocal status, response_started, finished
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
                response_started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
                self._finish(scope, record, status, started)
            await send(message)

        token = _current.set(record)
        try:
            await self.app(scope, receive, send_observed)
        except Exception:
            if not finished:
                finished = True
                self._finish(scope, record, 500, started, failed=True)
            if response_started:
                raise
            await JSONResponse(
                {"detail": "Internal Server Error", "requestId": record.request_id},
                status_code=500,
                headers={REQUEST_ID_HEADER: record.request_id},
            )(scope, receive, send)
        finally:
            _current.reset(token)
        if not finished:  # the client went away before the response ended
            self._finish(scope, record, status, started)

    def _finish(
        self,
        scope: Scope,
        record: _RequestRecord,
        status: int,
        started: float,
        *,
        failed: bool = False,
    ) -> None:
        seconds = time.perf_counter() - started
        method: str = scope["method"]
        route = _route_label(scope)
        metrics = self.metrics
        metrics.observe_request(method if method in _METHODS else "other", route, status, seconds)
        for name, errors in record.operations:
            metrics.observe_operation(name, errors)
        if record.answer is not None:
            metrics.observe_answer(record.answer)

        level = (
            logging.ERROR
            if failed
            else logging.DEBUG
            if route in _PROBES and status < 500
            else logging.INFO
        )
        if not access_log.isEnabledFor(level):
            return
        path: str = scope["path"]
        operation = ",".join(name or "anonymous" for name, _ in record.operations) or None
        duration_ms = round(seconds * 1000, 3)
        engine_ms = round(record.engine_ms, 3)
        access_log.log(
            level,
            "%s %s %s %.1fms operation=%s queries=%d engine=%.2fms",
            method,
            path,
            status,
            duration_ms,
            operation or "-",
            record.engine_queries,
            engine_ms,
            exc_info=failed,
            extra={
                "request_id": record.request_id,
                "method": method,
                "path": path,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                "graphql_operation": operation,
                "graphql_errors": sum(errors for _, errors in record.operations),
                "engine_queries": record.engine_queries,
                "engine_ms": engine_ms,
                "answer": record.answer,
            },
        )


def _route_label(scope: Scope) -> str:
    """The route a request matched, as a bounded metric label: its path when the route has
    no parameters, else its template (relative to an included router's prefix)."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    if not scope.get("path_params"):
        path: str = scope["path"]
        return path
    return getattr(route, "path_format", None) or "unknown"


def _query_listener(metrics: Metrics) -> Callable[[str, float, float], None]:
    def on_query(name: str, engine_ms: float, wall_ms: float) -> None:
        metrics.observe_query(name, engine_ms, wall_ms)
        if (record := _current.get()) is not None:
            record.engine_queries += 1
            record.engine_ms += engine_ms

    return on_query


# -- readiness ------------------------------------------------------------------------------


async def readiness(store: GraphStore, timeout_s: float = READY_TIMEOUT_S) -> str | None:
    """None when the API can serve the graph; otherwise why not, in one sentence.

    Ready means: the engine answers, and none of the constraints and indexes the ontology
    asks for is missing (on the embedded engine a graph that does not exist has none).
    """
    try:
        async with asyncio.timeout(timeout_s):
            if not await store.ping():
                return f"the graph engine ({store.engine}) does not answer"
            missing = await store.schema_statements()
    except TimeoutError:
        return f"the graph engine ({store.engine}) did not answer within {timeout_s:g} s"
    except Exception as exc:  # a probe answers 503 whatever went wrong, and says what
        return f"the graph's schema could not be read: {exc}"
    if missing:
        return (
            f"the graph's schema is not applied ({len(missing)} constraint(s) or index(es) "
            "missing, or the graph does not exist): run `cxgraph schema apply` or a load"
        )
    return None


# -- logging --------------------------------------------------------------------------------


class LogHandler(logging.StreamHandler[TextIO]):
    """The process's log handler: one line per record on the current `sys.stderr`."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(formatter)
        self.addFilter(_add_request_id)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # follow a replaced stderr (test runners capture it)
        super().emit(record)


def _add_request_id(record: logging.LogRecord) -> bool:
    """Give every record logged while serving a request that request's id."""
    if not hasattr(record, "request_id") and (record_of := _current.get()) is not None:
        record.request_id = record_of.request_id
    return True


def log_formatter(fmt: Literal["json", "console"]) -> logging.Formatter:
    """The formatter of one log format."""
    if fmt == "json":
        return JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],  # uvicorn's ANSI copy of message
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )
    return logging.Formatter(
        "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s",
        defaults={"request_id": "-"},
    )


def configure_logging(level: str, fmt: Literal["json", "console"]) -> None:
    """Send every log record of the process through one handler in the chosen format.

    Idempotent: a second call replaces the handler of the first. Uvicorn's server messages
    go through it too; its access log is turned off, the middleware's line replaces it.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(handler)
    root.addHandler(LogHandler(log_formatter(fmt)))
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        server_log = logging.getLogger(name)
        server_log.handlers.clear()
        server_log.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


# -- installation ---------------------------------------------------------------------------


def install_observability(app: FastAPI, settings: ApiSettings) -> Metrics:
    """Add /readyz, /metrics, the request middleware and the engine query listener to `app`.

    Logging is configured when the app starts (not here): building an app has no effect
    on the process.
    """
    metrics = Metrics()
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    on_query = _query_listener(metrics)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:  # the app's own state, as is
        configure_logging(settings.log_level, settings.log_format)
        async with inner(app) as state:
            store = state.get("store") if isinstance(state, Mapping) else None
            if isinstance(store, GraphStore):
                store.listeners.append(on_query)
            yield state

    app.router.lifespan_context = lifespan
    last_reason: str | None = None

    @app.get(
        "/readyz",
        summary="Readiness: the graph engine answers and the graph's schema is applied.",
        responses={503: {"description": "Not ready; `reason` says why."}},
    )
    async def readyz(request: Request) -> JSONResponse:
        nonlocal last_reason
        store: GraphStore = request.state.store
        reason = await readiness(store)
        if reason != last_reason:  # say so once when readiness changes, not at every probe
            if reason is None:
                log.info("ready")
            else:
                log.warning("not ready: %s", reason)
            last_reason = reason
        if reason is None:
            return JSONResponse({"status": "ready", "engine": store.engine})
        return JSONResponse(
            {"status": "unavailable", "engine": store.engine, "reason": reason}, status_code=503
        )

    @app.get("/metrics", summary="Prometheus metrics of this API process.")
    async def prometheus_metrics() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics
