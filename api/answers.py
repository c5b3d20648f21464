"""Answers to GraphQL queries, reused until the graph changes.

Portals ask the same questions over and over (the same team page, the same pain point) and
the graph changes only when a load or a change lands. An answer is kept with the graph's
version (`GraphStore.version()`, a token every write replaces, whichever process writes);
the same request at the same version gets the same bytes back without parsing, validating
or executing anything. A new version empties the cache, so a stale answer is never served:
the version is read before a query runs, so an answer computed while a write lands is kept
under the version from before that write and never matches again.

What is kept: the response body of a query (never a mutation) that finished without errors,
keyed by the caller's role, the response media type asked for, the URL query string and the
request body. Engines that cannot give a cheap version (Neo4j) never reuse answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.graphql_http import GRAPHQL_RESPONSE_JSON, prefers_graphql_response_json
from api.observability import current_operations, note_answer
from api.security import AuthError, authenticator_of

CACHED_ENGINE_STATS = {"queries": 0, "ms": 0.0, "cached": True}
"""`extensions.engine` of a reused answer: it cost the engine nothing."""


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """What makes two requests the same question."""

    role: str
    method: str
    query_string: bytes
    content_type: bytes
    accept: bytes
    body: bytes


@dataclass(frozen=True, slots=True)
class Answer:
    """A kept answer: the response body and the operations it answers (for metrics, logs)."""

    body: bytes
    operations: tuple[tuple[str | None, int], ...] = ()


class AnswerCache:
    """At most `max_bytes` of response bodies of one graph version, least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._version: str | None = None
        self._answers: LRUCache[AnswerKey, Answer] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda answer: len(answer.body)
        )

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, version: str, key: AnswerKey) -> Answer | None:
        """The body kept for `key` at `version`; a new version forgets every answer."""
        if version != self._version:
            self._answers.clear()
            self._version = version
            return None
        return self._answers.get(key)

    def put(self, version: str, key: AnswerKey, answer: Answer) -> None:
        """Keep `answer`, computed from the graph at `version`, unless the graph has moved on
        since (another request saw a newer version) or it is too big to keep."""
        if version != self._version or len(answer.body) > self.max_bytes:
            return
        self._answers[key] = Answer(reused_body(answer.body), answer.operations)


def reused_body(body: bytes) -> bytes:
    """`body` as a reused answer says it: `extensions.engine` becomes `CACHED_ENGINE_STATS`."""
    document = json.loads(body)
    extensions = document.setdefault("extensions", {})
    extensions["engine"] = CACHED_ENGINE_STATS
    return json.dumps(document, separators=(",", ":")).encode()


class MarkReusable(SchemaExtension):
    """Marks the HTTP request of a query answered without errors: `ReusedAnswers` may keep
    its answer."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        request = getattr(context.context, "request", None)
        if (
            request is not None
            and result is not None
            and not getattr(result, "errors", None)
            and context.graphql_document is not None
            and context.operation_type is OperationType.QUERY
        ):
            request.scope[REUSABLE] = True


REUSABLE = "cxgraph.answer_reusable"
"""Scope key the GraphQL router sets when its answer may be kept (see `MarkReusable`)."""

MAX_BODY = 64 * 1024
"""Requests with larger (or unannounced) bodies are always computed."""


class ReusedAnswers:
    """Pure ASGI middleware sending kept answers to GraphQL queries before any routing,
    dependency or GraphQL work; it keeps the answers the router marks reusable.

    Requests it cannot place — not authenticated (the app answers those), no body length,
    a body over `MAX_BODY`, an engine without versions — go to the app untouched.
    """

    def __init__(self, app: ASGIApp, cache: AnswerCache, path: str = "/graphql") -> None:
        self.app = app
        self.cache = cache
        self.path = path
        self._route: object = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in ("GET", "POST")
            or not self.cache.enabled
        ):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        headers = connection.headers
        length = headers.get("content-length", "0" if scope["method"] == "GET" else "")
        store = scope.get("state", {}).get("store")
        if not length.isdigit() or int(length) > MAX_BODY or store is None:
            await self.app(scope, receive, send)
            return
        try:
            principal = authenticator_of(connection).authenticate(headers)
        except AuthError:
            principal = None
        version = await store.version() if principal is not None else None
        if principal is None or version is None:
            await self.app(scope, receive, send)
            return
        body, receive = await _read_body(receive)
        key = AnswerKey(
            role=principal.role.name,
            method=scope["method"],
            query_string=scope.get("query_string", b""),
            content_type=headers.get("content-type", "").encode(),
            accept=headers.get("accept", "").encode(),
            body=body,
        )
        kept = self.cache.get(version, key)
        if kept is not None:
            note_answer(reused=True, operations=kept.operations)
            scope["route"] = self._route  # logged and counted as the GraphQL route
            media_type = _media_type(headers.get("accept", ""))
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", media_type),
                        (b"content-length", str(len(kept.body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": kept.body})
            return
        note_answer(reused=False)
        status = 0
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        if status == 200 and scope.get(REUSABLE):
            self._route = scope.get("route")
            self.cache.put(version, key, Answer(b"".join(chunks), tuple(current_operations())))


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a `receive` giving it to the app again."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            replay = [message]
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            replay = []
            break
    body = b"".join(chunks)
    replay.insert(0, {"type": "http.request", "body": body, "more_body": False})

    async def replayed() -> Message:
        return replay.pop(0) if replay else await receive()

    return body, replayed


def _media_type(accept: str) -> bytes:
    if prefers_graphql_response_json(accept):
        return GRAPHQL_RESPONSE_JSON.encode()
    return b"application/json"
