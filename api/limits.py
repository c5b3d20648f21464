"""What one GraphQL request may cost, and which of its errors a client may see.

Limits come from the app's settings (`install_limits`) and reach the schema through the
request's `Context.limits`, so one schema serves apps with different limits:

- `RequestLimits` — a schema extension: documents of at most `max_tokens` tokens,
  `max_query_depth` levels and `max_aliases` aliases; no introspection when it is off; and
  `request_timeout_s` for executing an operation, after which the operation is cancelled
  (its pending engine queries are no longer awaited) and answered with a clear error.
  The checks are validation rules, so `ValidationCache` runs them once per document.
- `page_size(first)` — the size of a page a connection field was asked for, checked against
  `max_page_size`.
- `MaskUnexpectedErrors` — a schema extension: in production, errors nobody meant a client
  to see become `Unexpected error.` with the request id, and are logged in full. Errors
  raised on purpose stay as they are: `api.errors.UserError` (and so `LimitExceeded` and
  `api.security.Forbidden`), `GraphQLError`, `queries.errors.NotFound` and `GraphBusy`, and
  every error about the document itself (syntax, validation, variables).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from starlette.requests import HTTPConnection
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.types import ExecutionContext

from api.errors import UserError
from api.observability import current_request_id
from queries.errors import GraphBusy, NotFound

if TYPE_CHECKING:
    from api.settings import ApiSettings

__all__ = [
    "LimitExceeded",
    "Limits",
    "LimitsDep",
    "MaskUnexpectedErrors",
    "RequestLimits",
    "RequestTimeout",
    "get_limits",
    "install_limits",
    "is_expected",
    "page_size",
]

log = logging.getLogger("cxgraph.limits")

UNEXPECTED_ERROR = "Unexpected error."


class LimitExceeded(UserError):
    """A request asked for more than the API's limits allow; the message names the limit."""

    def __init__(self, message: str, code: str = "LIMIT_EXCEEDED") -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": code}


class RequestTimeout(LimitExceeded):
    """An operation ran longer than `request_timeout_s` and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request took longer than {seconds:g} s and was stopped; ask for less "
            "(fewer items, a smaller page, fewer nested fields) or try again later.",
            code="TIMEOUT",
        )


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one app; the defaults are those of `ApiSettings`."""

    max_depth: int = 12
    max_aliases: int = 100
    max_tokens: int = 5000
    request_timeout_s: float = 30.0
    max_page_size: int = 100
    introspection: bool = True
    mask_errors: bool = True

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> Limits:
        """The limits `settings` set; errors are masked unless asked or in demo mode."""
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            request_timeout_s=settings.request_timeout_s,
            max_page_size=settings.max_page_size,
            introspection=settings.introspection,
            mask_errors=(
                settings.mask_errors if settings.mask_errors is not None else not settings.demo
            ),
        )

    def page_size(self, first: int | None, default: int | None = None) -> int:
        """`first` checked against `max_page_size`; without `first`, `default` (or the maximum).

        Raises `UserError` for a negative size and `LimitExceeded` for one over the maximum.
        """
        if first is None:
            return min(default, self.max_page_size) if default is not None else self.max_page_size
        if first < 0:
            raise UserError(f"first must be 0 or more, not {first}")
        if first > self.max_page_size:
            raise LimitExceeded(
                f"first must be at most {self.max_page_size}, not {first}: "
                "ask for the next page with `after`"
            )
        return first

    def validation_rules(self) -> tuple[type[ASTValidationRule], ...]:
        """The validation rules enforcing these limits (the same classes for the same limits,
        so that validated documents stay cached)."""
        return _rules(self.max_depth, self.max_aliases, self.introspection)


@lru_cache(maxsize=16)
def _rules(
    max_depth: int, max_aliases: int, introspection: bool
) -> tuple[type[ASTValidationRule], ...]:
    rules = [depth_rule(max_depth, None, None), aliases_rule(max_aliases)]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


DEFAULT_LIMITS = Limits()

_current: ContextVar[Limits] = ContextVar("cxgraph_limits", default=DEFAULT_LIMITS)


def page_size(first: int | None, default: int | None = None) -> int:
    """`first` checked against the current request's `max_page_size` (see `Limits.page_size`).

    Outside a GraphQL operation the default limits apply.
    """
    return _current.get().page_size(first, default)


def _limits_of(execution_context: ExecutionContext) -> Limits:
    limits = getattr(execution_context.context, "limits", None)
    return limits if isinstance(limits, Limits) else DEFAULT_LIMITS


class RequestLimits(SchemaExtension):
    """Enforces the request's `Limits`: token, depth and alias counts, introspection, time."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        limits = _limits_of(context)
        # graphql-core stops parsing past this many tokens (ParserCache keys on it too)
        context.parse_options["max_tokens"] = limits.max_tokens
        context.validation_rules = (*context.validation_rules, *limits.validation_rules())
        token = _current.set(limits)
        try:
            yield
        finally:
            _current.reset(token)

    async def on_execute(self) -> AsyncIterator[None]:
        seconds = _limits_of(self.execution_context).request_timeout_s
        try:
            async with asyncio.timeout(seconds) as deadline:
                yield
        except TimeoutError:
            if not deadline.expired():
                raise  # not ours
            raise RequestTimeout(seconds) from None


def is_expected(error: GraphQLError) -> bool:
    """True for an error a client may see as it is (see the module's docstring)."""
    if error.path is None:  # about the document: syntax, validation, variables
        return True
    original = error.original_error
    return original is None or isinstance(original, UserError | GraphQLError | NotFound | GraphBusy)


class MaskUnexpectedErrors(SchemaExtension):
    """Replaces unexpected errors by `Unexpected error.` when the request's limits say so.

    The client gets the request id in `extensions.requestId`; the log gets the same id and
    the full exception.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        errors = getattr(result, "errors", None)
        if not errors or not _limits_of(context).mask_errors:
            return
        if any(not is_expected(error) for error in errors):
            assert result is not None
            result.errors = [e if is_expected(e) else self._masked(e) for e in errors]

    def _masked(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id()
        log.error(
            "unexpected error at %s (request %s, shown as %r): %s",
            ".".join(map(str, error.path or [])),
            request_id,
            UNEXPECTED_ERROR,
            error.message,
            exc_info=error.original_error,
            extra={"request_id": request_id},
        )
        return GraphQLError(
            UNEXPECTED_ERROR,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


def _request_id() -> str:
    """The id of the HTTP request being served, or a fresh one to find the log line by."""
    return current_request_id() or uuid.uuid4().hex


def install_limits(app: FastAPI, settings: ApiSettings) -> Limits:
    """Give `app` the limits of `settings`; `get_limits` hands them to each request."""
    limits = Limits.from_settings(settings)
    app.state.limits = limits
    return limits


async def get_limits(connection: HTTPConnection) -> Limits:
    """The limits of the app serving this request."""
    limits = getattr(connection.app.state, "limits", None)
    return limits if isinstance(limits, Limits) else DEFAULT_LIMITS


LimitsDep = Annotated[Limits, Depends(get_limits)]
