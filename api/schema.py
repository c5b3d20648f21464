"""The GraphQL schema: entities of the ontology and the cross-silo questions over them."""

from __future__ import annotations

from enum import Enum
from typing import cast

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import Info

from api.context import Context
from api.entities import Node, build, entity_types, query_fields
from api.extensions import EngineStats
from api.limits import MaskUnexpectedErrors, RequestLimits


@strawberry.enum(description="Rows of a service blueprint, from the customer's side inwards.")
class BlueprintLayer(Enum):
    CUSTOMER = "customer"
    FRONTSTAGE = "frontstage"
    BACKSTAGE = "backstage"
    SUPPORT = "support"
    SYSTEM = "system"


@strawberry.enum(description="How a team is involved in a pain point.")
class TeamRole(Enum):
    TOUCHPOINT_OWNER = "touchpoint_owner"
    PROCESS_OWNER = "process_owner"
    PROCESS_PERFORMER = "process_performer"
    SYSTEM_OWNER = "system_owner"


@strawberry.type(description="One element on an evidence path.")
class PathStep:
    id: strawberry.ID
    name: str | None
    label: str = strawberry.field(description="Node label (ontology class) of the element.")


@strawberry.type(description="One way a team is involved in a pain point.")
class TeamInvolvement:
    team: Team  # type: ignore[valid-type]
    role: TeamRole
    layer: BlueprintLayer = strawberry.field(
        description="Blueprint layer of the element through which the team is involved."
    )
    via: PathStep = strawberry.field(description="The touchpoint, process or system involved.")
    path: list[strawberry.ID] = strawberry.field(
        description="Ids from the pain point to the team: the evidence path."
    )
    steps: list[PathStep] = strawberry.field(
        description="The evidence path, with names and labels."
    )
    roll_up: list[Team] = strawberry.field(  # type: ignore[valid-type]
        description="Parent units of the team, nearest first."
    )


@strawberry.type
class PainPointQuestions:
    """Cross-silo questions about a pain point (fields of the PainPoint type)."""

    id: strawberry.ID

    @strawberry.field(
        description="Teams affecting this pain point through its touchpoint, the processes "
        "behind it (and their parents), and the systems used; one entry per involvement."
    )
    async def affecting_teams(self, info: Info[Context, None]) -> list[TeamInvolvement]:
        rows = await info.context.pain_point_rows["painpoint/affecting_teams"].load(str(self.id))
        return [
            TeamInvolvement(
                team=build("Team", row["team"]),
                role=TeamRole(row["role"]),
                layer=BlueprintLayer(row["layer"]),
                via=PathStep(**row["via"]),
                path=[strawberry.ID(step["id"]) for step in row["path"]],
                steps=[PathStep(**step) for step in row["path"]],
                roll_up=[build("Team", parent) for parent in row["rollUp"]],
            )
            for row in rows
        ]


_types = entity_types({"PainPoint": PainPointQuestions})
Team = _types["Team"]


async def _node(info: Info[Context, None], id: strawberry.ID) -> Node | None:
    found = await info.context.any_nodes.load(str(id))
    return None if found is None else cast(Node, build(found["label"], found["node"]))


async def _nodes(info: Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
    found = await info.context.any_nodes.load_many([str(i) for i in ids])
    return [None if f is None else cast(Node, build(f["label"], f["node"])) for f in found]


def _query_type() -> type:
    cls = type("Query", (), {})
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


schema = strawberry.Schema(
    query=Query,
    # Portals send the same few documents over and over: parse and validate each once.
    extensions=[
        RequestLimits,  # tokens, depth, aliases, introspection, time: from `Context.limits`
        MaskUnexpectedErrors,
        lambda: ParserCache(maxsize=512),  # the caches are shared across instances
        lambda: ValidationCache(maxsize=512),
        EngineStats,
    ],
    types=list(_types.values()),
)
