"""The GraphQL schema: entities of the ontology and the cross-silo questions over them."""

from __future__ import annotations

from typing import cast

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext, Info

from api import questions
from api.answers import MarkReusable
from api.context import Context
from api.entities import Node, build, entity_types, query_fields
from api.extensions import EngineStats
from api.limits import MaskUnexpectedErrors, RequestLimits, is_expected
from api.mutations import mutation_type
from api.observability import GraphQLOperations

_types = entity_types(questions.MIXINS)
questions.bind(_types)


async def _node(info: Info[Context, None], id: strawberry.ID) -> Node | None:
    found = await info.context.any_nodes.load(str(id))
    return None if found is None else cast(Node, build(found["label"], found["node"]))


async def _nodes(info: Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
    found = await info.context.any_nodes.load_many([str(i) for i in ids])
    return [None if f is None else cast(Node, build(f["label"], f["node"])) for f in found]


def _query_type() -> type:
    cls = type("Query", (questions.QueryQuestions,), {})
    cls.node = strawberry.field(  # type: ignore[attr-defined]
        resolver=_node, description="The item with this id, whatever its type, or null."
    )
    cls.nodes = strawberry.field(  # type: ignore[attr-defined]
        resolver=_nodes, description="The items with these ids, in order (null where unknown)."
    )
    for name, field in query_fields().items():
        setattr(cls, name, field)
    cls.__module__ = __name__
    return strawberry.type(cls, description="Everything cxgraph answers.")


Query = _query_type()


class Schema(strawberry.Schema):
    """The schema, logging only the errors nobody meant to happen (with their traceback):
    a client's mistakes — bad arguments, refused changes, invalid documents — are its
    answer, not the operator's problem."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        super().process_errors([e for e in errors if not is_expected(e)], execution_context)


schema = Schema(
    query=Query,
    mutation=mutation_type(),
    # Portals send the same few documents over and over: parse and validate each once.
    extensions=[
        RequestLimits,  # tokens, depth, aliases, introspection, time: from `Context.limits`
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=512),  # the caches are shared across instances
        lambda: ValidationCache(maxsize=512),
        EngineStats,
        GraphQLOperations,  # operation names and errors for /metrics and the access log
        MarkReusable,  # whether the answer may be kept for the same request (api.answers)
    ],
    types=list(_types.values()),
)


def sdl() -> str:
    """The schema in GraphQL SDL, as `cxgraph schema graphql` prints it (ends with a newline)."""
    return str(schema).rstrip("\n") + "\n"
