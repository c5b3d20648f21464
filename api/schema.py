"""The GraphQL schema: entities of the ontology and the cross-silo questions over them."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import Info

from api.context import Context
from api.extensions import EngineStats
from ontology.model import load_schema

_ontology = load_schema()


def _describe(label: str) -> str:
    return _ontology.node_types[label].comment


def _field(label: str, prop: str) -> str:
    return _ontology.node_types[label].properties[prop].comment


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


@strawberry.type(description=_describe("Team"))
class Team:
    id: strawberry.ID
    name: str = strawberry.field(description=_field("Team", "name"))
    kind: str | None = strawberry.field(description=_field("Team", "kind"))
    verified_at: str | None = strawberry.field(description=_field("Team", "verifiedAt"))

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Team:
        return cls(
            id=strawberry.ID(props["id"]),
            name=props["name"],
            kind=props.get("kind"),
            verified_at=props.get("verifiedAt"),
        )


@strawberry.type(description="One element on an evidence path.")
class PathStep:
    id: strawberry.ID
    name: str | None
    label: str = strawberry.field(description="Node label (ontology class) of the element.")


@strawberry.type(description="One way a team is involved in a pain point.")
class TeamInvolvement:
    team: Team
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
    roll_up: list[Team] = strawberry.field(description="Parent units of the team, nearest first.")


@strawberry.type(description=_describe("PainPoint"))
class PainPoint:
    id: strawberry.ID
    name: str = strawberry.field(description=_field("PainPoint", "name"))
    description: str | None = strawberry.field(description=_field("PainPoint", "description"))
    severity: int = strawberry.field(description=_field("PainPoint", "severity"))
    category: str | None = strawberry.field(description=_field("PainPoint", "category"))

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> PainPoint:
        return cls(
            id=strawberry.ID(props["id"]),
            name=props["name"],
            description=props.get("description"),
            severity=props["severity"],
            category=props.get("category"),
        )

    @strawberry.field(
        description="Teams affecting this pain point through its touchpoint, the processes "
        "behind it (and their parents), and the systems used; one entry per involvement."
    )
    async def affecting_teams(self, info: Info[Context, None]) -> list[TeamInvolvement]:
        rows = await info.context.pain_point_rows["painpoint/affecting_teams"].load(str(self.id))
        return [
            TeamInvolvement(
                team=Team.from_props(row["team"]),
                role=TeamRole(row["role"]),
                layer=BlueprintLayer(row["layer"]),
                via=PathStep(**row["via"]),
                path=[strawberry.ID(step["id"]) for step in row["path"]],
                steps=[PathStep(**step) for step in row["path"]],
                roll_up=[Team.from_props(parent) for parent in row["rollUp"]],
            )
            for row in rows
        ]


@strawberry.type
class Query:
    @strawberry.field(description="The pain point with this id, or null.")
    async def pain_point(self, info: Info[Context, None], id: strawberry.ID) -> PainPoint | None:
        props = await info.context.nodes["PainPoint"].load(str(id))
        return None if props is None else PainPoint.from_props(props)

    @strawberry.field(description="The team with this id, or null.")
    async def team(self, info: Info[Context, None], id: strawberry.ID) -> Team | None:
        props = await info.context.nodes["Team"].load(str(id))
        return None if props is None else Team.from_props(props)


schema = strawberry.Schema(
    query=Query,
    # Portals send the same few documents over and over: parse and validate each once.
    extensions=[
        lambda: ParserCache(maxsize=512),  # the caches are shared across instances
        lambda: ValidationCache(maxsize=512),
        EngineStats,
    ],
)
