"""The cross-silo questions as GraphQL fields, each answered by one named Cypher query.

Questions about one item are fields of its type (`PainPoint.affectingTeams`,
`System.blastRadius`, …): each loads its rows through a per-request DataLoader, so a list of
fifty systems with their blast radius costs one round trip. Items the rows mention come back
as the full GraphQL types, loaded by id per label in one round trip each, so a portal can
keep navigating from them. Questions about the whole graph are fields of Query.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry
from graphql.pyutils import Path
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from api.context import Context, Props
from api.entities import DEFAULT_PAGE_SIZE, PREFETCH, Connection, Node, Page, build
from api.limits import page_size

if TYPE_CHECKING:  # built from the ontology when the schema is built: see `bind`
    Channel: TypeAlias = Any
    CustomerNeed: TypeAlias = Any
    Journey: TypeAlias = Any
    Opportunity: TypeAlias = Any
    PainPoint: TypeAlias = Any
    Person: TypeAlias = Any
    Persona: TypeAlias = Any
    Process: TypeAlias = Any
    Stage: TypeAlias = Any
    System: TypeAlias = Any
    Team: TypeAlias = Any
    Touchpoint: TypeAlias = Any


def bind(types: dict[str, type]) -> None:
    """Make the entity types built from the ontology known to the annotations here."""
    globals().update(types)


def _asked(info: Info[Context, None]) -> frozenset[str] | None:
    """The plain fields asked of the item being resolved; None when it asks for more (a
    fragment, a relationship to follow). Worked out once per place in the document: every
    row of a list asks the same."""
    place = []
    step: Path | None = info.path
    while step is not None:
        if isinstance(step.key, str):  # list positions do not change what is asked
            place.append(step.key)
        step = step.prev
    key = tuple(place)
    cache = info.context.selections
    if key not in cache:
        names: set[str] | None = set()
        for field in info.selected_fields:
            for selection in field.selections:
                if not isinstance(selection, SelectedField) or selection.selections:
                    names = None
                    break
                if names is not None and selection.name != "__typename":
                    names.add(selection.name)
        cache[key] = None if names is None else frozenset(names)
    return cache[key]


def _answered_by(info: Info[Context, None], ref: Props) -> bool:
    """True when the fields asked of an item are all in the row's map of it."""
    asked = _asked(info)
    return asked is not None and asked <= ref.keys()


async def _one(info: Info[Context, None], label: str, ref: Props | None) -> Any:
    """The item of a `{id, …}` map from a row (None for None): the map itself when it holds
    every field asked for, else the whole item, loaded by id."""
    if ref is None:
        return None
    if _answered_by(info, ref):
        return build(label, ref)
    props = await info.context.nodes[label].load(ref["id"])
    return None if props is None else build(label, props)


async def _many(info: Info[Context, None], label: str, refs: list[Props]) -> list[Any]:
    """The items of `{id, …}` maps from a row, in the same order (see `_one`)."""
    if not refs or _answered_by(info, refs[0]):  # the maps of one list have the same keys
        return [build(label, ref) for ref in refs]
    found = await info.context.nodes[label].load_many([ref["id"] for ref in refs])
    return [build(label, props) for props in found if props is not None]


async def _rows(info: Info[Context, None], label: str, id: strawberry.ID) -> list[Props]:
    """The rows answering the question field being resolved about item `id` of `label`: its
    named query is the one PREFETCH gives for the field."""
    query, key = PREFETCH[label][info.field_name]
    rows: list[Props] = await info.context.rows(query, key).load(str(id))
    return rows


# ------------------------------------------------------------------ shared enums and parts


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


def _counted(rows: list[Props]) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        return len(rows)

    return count


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _steps(path: list[Props]) -> list[PathStep]:
    return [PathStep(id=strawberry.ID(s["id"]), name=s.get("name"), label=s["label"]) for s in path]


# ------------------------------------------------------------------ 1. teams affecting a pain point


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


# ------------------------------------------------------------ 9. personas hitting a pain point


@strawberry.type(description="A persona who meets a pain point, and where.")
class PersonaHit:
    persona_ref: strawberry.Private[Props]
    stage_refs: strawberry.Private[list[Props]]
    mapped: bool = strawberry.field(
        description="A journey where the pain point occurs is mapped for this persona."
    )
    customers: int = strawberry.field(
        description="Customers with this persona whose feedback evidences the pain point."
    )

    @strawberry.field(description="The persona.")
    async def persona(self, info: Info[Context, None]) -> Persona:
        return await _one(info, "Persona", self.persona_ref)

    @strawberry.field(description="Stages where the persona meets the pain point.")
    async def stages(self, info: Info[Context, None]) -> list[Stage]:
        return await _many(info, "Stage", self.stage_refs)


# ------------------------------------------------------------------ 10. opportunities


@strawberry.type(description="An opportunity addressing a pain point, with its owners.")
class Initiative:
    refs: strawberry.Private[Props]

    @strawberry.field(description="The opportunity.")
    async def opportunity(self, info: Info[Context, None]) -> Opportunity:
        return await _one(info, "Opportunity", self.refs["opportunity"])

    @strawberry.field(description="Teams owning the opportunity.")
    async def owners(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["owners"])

    @strawberry.field(description="Every pain point the opportunity addresses.")
    async def addresses(self, info: Info[Context, None]) -> list[PainPoint]:
        return await _many(info, "PainPoint", self.refs["addresses"])


@strawberry.type
class PainPointQuestions:
    """Cross-silo questions about a pain point (fields of the PainPoint type)."""

    id: strawberry.ID

    @strawberry.field(
        description="Teams affecting this pain point through its touchpoint, the processes "
        "behind it (and their parents), and the systems used; one entry per involvement."
    )
    async def affecting_teams(self, info: Info[Context, None]) -> list[TeamInvolvement]:
        rows = await _rows(info, "PainPoint", self.id)
        return [
            TeamInvolvement(
                team=build("Team", row["team"]),
                role=TeamRole(row["role"]),
                layer=BlueprintLayer(row["layer"]),
                via=PathStep(**row["via"]),
                path=[strawberry.ID(step["id"]) for step in row["path"]],
                steps=_steps(row["path"]),
                roll_up=[build("Team", parent) for parent in row["rollUp"]],
            )
            for row in rows
        ]

    @strawberry.field(
        description="Personas who hit this pain point — those its journeys are mapped for and "
        "those of the customers whose feedback evidences it — and at which stages."
    )
    async def personas_hit(self, info: Info[Context, None]) -> list[PersonaHit]:
        rows = await _rows(info, "PainPoint", self.id)
        return [
            PersonaHit(
                persona_ref=row["persona"],
                stage_refs=row["stages"],
                mapped=row["mapped"],
                customers=row["customers"],
            )
            for row in rows
        ]

    @strawberry.field(description="Opportunities addressing this pain point, and who owns them.")
    async def initiatives(self, info: Info[Context, None]) -> list[Initiative]:
        rows = await _rows(info, "PainPoint", self.id)
        return [Initiative(refs=row) for row in rows]


# ------------------------------------------------------------------ 2. what a team affects


@strawberry.type(description="One way a team (or a unit below it) is involved in a pain point.")
class TeamEffect:
    refs: strawberry.Private[Props]
    role: TeamRole
    layer: BlueprintLayer
    via: PathStep = strawberry.field(description="The touchpoint, process or system involved.")
    customers: int = strawberry.field(
        description="Customers whose feedback evidences the pain point."
    )

    @strawberry.field(description="The team involved: the team asked about or a unit below it.")
    async def unit(self, info: Info[Context, None]) -> Team:
        return await _one(info, "Team", self.refs["unit"])

    @strawberry.field(description="The pain point.")
    async def pain_point(self, info: Info[Context, None]) -> PainPoint:
        return await _one(info, "PainPoint", self.refs["painPoint"])

    @strawberry.field(description="The touchpoint where the pain point occurs.")
    async def touchpoint(self, info: Info[Context, None]) -> Touchpoint:
        return await _one(info, "Touchpoint", self.refs["touchpoint"])

    @strawberry.field(description="The journey of that touchpoint.")
    async def journey(self, info: Info[Context, None]) -> Journey | None:
        return await _one(info, "Journey", self.refs["journey"])


@strawberry.type(description="What a team and the units below it affect, in totals.")
class TeamImpact:
    touchpoints: int = strawberry.field(description="Touchpoints they are involved in.")
    pain_points: int = strawberry.field(description="Pain points occurring at those.")
    customers: int = strawberry.field(
        description="Customers whose feedback evidences those pain points."
    )
    journey_refs: strawberry.Private[list[Props]]

    @strawberry.field(description="Journeys of those touchpoints.")
    async def journeys(self, info: Info[Context, None]) -> list[Journey]:
        return await _many(info, "Journey", self.journey_refs)


@strawberry.type(description="A unit in a team's roll-up: an ancestor, the team, or below it.")
class RollUpUnit:
    ref: strawberry.Private[Props]
    leader_refs: strawberry.Private[list[Props]]
    level: int = strawberry.field(
        description="PART_OF hops from the team: negative above it, 0 the team, positive below."
    )
    parent_id: strawberry.ID | None = strawberry.field(description="Id of the parent unit.")
    members: int = strawberry.field(description="People who are members of the unit itself.")
    total_members: int = strawberry.field(
        description="People who are members of the unit or of a unit below it."
    )

    @strawberry.field(description="The unit.")
    async def unit(self, info: Info[Context, None]) -> Team:
        return await _one(info, "Team", self.ref)

    @strawberry.field(description="People leading the unit.")
    async def leaders(self, info: Info[Context, None]) -> list[Person]:
        return await _many(info, "Person", self.leader_refs)


@strawberry.type
class TeamQuestions:
    """Cross-silo questions about a team (fields of the Team type)."""

    id: strawberry.ID

    @strawberry.field(
        description="Pain points this team and the units below it affect, and how: the "
        "reverse of PainPoint.affectingTeams."
    )
    async def affects(
        self,
        info: Info[Context, None],
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[TeamEffect]:
        page = Page.of(first, after)
        rows = await _rows(info, "Team", self.id)
        shown = rows[page.skip : page.skip + page.size + 1]
        return page.connection(
            [
                TeamEffect(
                    refs=row,
                    role=TeamRole(row["role"]),
                    layer=BlueprintLayer(row["layer"]),
                    via=PathStep(**row["via"]),
                    customers=row["customers"],
                )
                for row in shown
            ],
            _counted(rows),
        )

    @strawberry.field(description="What this team and the units below it affect, in totals.")
    async def impact(self, info: Info[Context, None]) -> TeamImpact | None:
        rows = await _rows(info, "Team", self.id)
        if not rows:
            return None
        row = rows[0]
        return TeamImpact(
            touchpoints=row["touchpoints"],
            pain_points=row["painPoints"],
            customers=row["customers"],
            journey_refs=row["journeys"],
        )

    @strawberry.field(
        description="The team's place in the organisation: its parent units up to the top, "
        "itself and every unit below it, with leaders and member counts."
    )
    async def roll_up(self, info: Info[Context, None]) -> list[RollUpUnit]:
        rows = await _rows(info, "Team", self.id)
        return [
            RollUpUnit(
                ref=row["unit"],
                leader_refs=row["leads"],
                level=row["level"],
                parent_id=row["parent"],
                members=row["members"],
                total_members=row["totalMembers"],
            )
            for row in rows
        ]


# ------------------------------------------------------------------ 3. blast radius of a system


@strawberry.type(description="A touchpoint that depends on a system, and how.")
class Dependency:
    refs: strawberry.Private[Props]
    depth: int = strawberry.field(
        description="DEPENDS_ON hops: 0 when the system itself is behind the touchpoint."
    )
    customers: int = strawberry.field(description="Customers with feedback about the touchpoint.")
    path: list[PathStep] = strawberry.field(
        description="From the element behind the touchpoint to the system."
    )

    @strawberry.field(description="The touchpoint.")
    async def touchpoint(self, info: Info[Context, None]) -> Touchpoint:
        return await _one(info, "Touchpoint", self.refs["touchpoint"])

    @strawberry.field(description="Its stage.")
    async def stage(self, info: Info[Context, None]) -> Stage | None:
        return await _one(info, "Stage", self.refs["stage"])

    @strawberry.field(description="Its journey.")
    async def journey(self, info: Info[Context, None]) -> Journey | None:
        return await _one(info, "Journey", self.refs["journey"])

    @strawberry.field(description="Personas the journey is mapped for.")
    async def personas(self, info: Info[Context, None]) -> list[Persona]:
        return await _many(info, "Persona", self.refs["personas"])


@strawberry.type(description="A system depending on another, directly or not.")
class DependentSystem:
    ref: strawberry.Private[Props]
    depth: int = strawberry.field(description="Fewest DEPENDS_ON hops.")

    @strawberry.field(description="The dependent system.")
    async def system(self, info: Info[Context, None]) -> System:
        return await _one(info, "System", self.ref)


@strawberry.type(description="What a system affects, in totals.")
class SystemImpact:
    refs: strawberry.Private[Props]
    touchpoints: int = strawberry.field(description="Touchpoints in its blast radius.")
    pain_points: int = strawberry.field(description="Pain points at those touchpoints.")
    customers: int = strawberry.field(description="Customers with feedback about them.")

    @strawberry.field(description="Systems depending on it, nearest first.")
    def dependents(self) -> list[DependentSystem]:
        return [DependentSystem(ref=d, depth=d["depth"]) for d in self.refs["dependents"]]

    @strawberry.field(description="Journeys of the touchpoints in its blast radius.")
    async def journeys(self, info: Info[Context, None]) -> list[Journey]:
        return await _many(info, "Journey", self.refs["journeys"])

    @strawberry.field(description="Personas those journeys are mapped for.")
    async def personas(self, info: Info[Context, None]) -> list[Persona]:
        return await _many(info, "Persona", self.refs["personas"])


@strawberry.type
class SystemQuestions:
    """Cross-silo questions about a system (fields of the System type)."""

    id: strawberry.ID

    @strawberry.field(
        description="Touchpoints that depend on this system, directly or through systems "
        "depending on it, with the journeys, personas and customers behind them."
    )
    async def blast_radius(
        self,
        info: Info[Context, None],
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[Dependency]:
        page = Page.of(first, after)
        rows = await _rows(info, "System", self.id)
        shown = rows[page.skip : page.skip + page.size + 1]
        return page.connection(
            [
                Dependency(
                    refs=row,
                    depth=row["depth"],
                    customers=row["customers"],
                    path=_steps(row["path"]),
                )
                for row in shown
            ],
            _counted(rows),
        )

    @strawberry.field(description="What this system affects, in totals.")
    async def impact(self, info: Info[Context, None]) -> SystemImpact | None:
        rows = await _rows(info, "System", self.id)
        if not rows:
            return None
        row = rows[0]
        return SystemImpact(
            refs=row,
            touchpoints=row["touchpoints"],
            pain_points=row["painPoints"],
            customers=row["customers"],
        )


# ------------------------------------------------------------------ 6, 7. journeys


@strawberry.type(description="A process in a blueprint lane, with its owners and performers.")
class LaneProcess:
    refs: strawberry.Private[Props]

    @strawberry.field(description="The process.")
    async def process(self, info: Info[Context, None]) -> Process:
        return await _one(info, "Process", self.refs)

    @strawberry.field(description="Teams accountable for it.")
    async def owners(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["owners"])

    @strawberry.field(description="Teams carrying it out.")
    async def performers(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["performers"])


@strawberry.type(description="A system supporting a touchpoint directly, with its owners.")
class LaneSystem:
    refs: strawberry.Private[Props]

    @strawberry.field(description="The system.")
    async def system(self, info: Info[Context, None]) -> System:
        return await _one(info, "System", self.refs)

    @strawberry.field(description="Teams accountable for it.")
    async def owners(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["owners"])


@strawberry.type(description="A measurement in a blueprint column.")
class BlueprintMeasure:
    metric: str
    phase: str
    value: float
    sample_size: int | None
    date: date | None


@strawberry.type(
    description="One column of a service blueprint: a touchpoint of a stage and the lanes "
    "behind it, from the customer's action to the systems."
)
class BlueprintColumn:
    refs: strawberry.Private[Props]
    measurements: list[BlueprintMeasure]

    @strawberry.field(description="The stage.")
    async def stage(self, info: Info[Context, None]) -> Stage:
        return await _one(info, "Stage", self.refs["stage"])

    @strawberry.field(description="The touchpoint (the customer action); null for an empty stage.")
    async def touchpoint(self, info: Info[Context, None]) -> Touchpoint | None:
        return await _one(info, "Touchpoint", self.refs["touchpoint"])

    @strawberry.field(description="The channel it happens on.")
    async def channel(self, info: Info[Context, None]) -> Channel | None:
        return await _one(info, "Channel", self.refs["channel"])

    @strawberry.field(description="Customer needs it addresses.")
    async def needs(self, info: Info[Context, None]) -> list[CustomerNeed]:
        return await _many(info, "CustomerNeed", self.refs["needs"])

    @strawberry.field(description="Teams owning the touchpoint.")
    async def owners(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["owners"])

    @strawberry.field(description="Frontstage processes: visible to the customer.")
    def frontstage(self) -> list[LaneProcess]:
        return [LaneProcess(refs=p) for p in self.refs["frontstage"]]

    @strawberry.field(description="Backstage processes: behind the line of visibility.")
    def backstage(self) -> list[LaneProcess]:
        return [LaneProcess(refs=p) for p in self.refs["backstage"]]

    @strawberry.field(description="Support processes: behind the line of internal interaction.")
    def support(self) -> list[LaneProcess]:
        return [LaneProcess(refs=p) for p in self.refs["support"]]

    @strawberry.field(description="Systems supporting the touchpoint directly.")
    def systems(self) -> list[LaneSystem]:
        return [LaneSystem(refs=s) for s in self.refs["systems"]]

    @strawberry.field(description="Pain points occurring at the touchpoint, most severe first.")
    async def pain_points(self, info: Info[Context, None]) -> list[PainPoint]:
        return await _many(info, "PainPoint", self.refs["painPoints"])


@strawberry.type(description="How customers feel and rate one stage of a journey.")
class StageMetrics:
    ref: strawberry.Private[Props]
    before: float | None = strawberry.field(description="Emotion before the stage (-3..+3).")
    during: float | None = strawberry.field(description="Emotion during the stage.")
    after: float | None = strawberry.field(description="Emotion after the stage.")
    csat: float | None = strawberry.field(description="CSAT of the stage (1-5).")
    nps: float | None = strawberry.field(description="NPS of the stage (-100..100).")
    ces: float | None = strawberry.field(description="CES of the stage (1-7).")
    pain_points: int = strawberry.field(description="Pain points at the stage's touchpoints.")

    @strawberry.field(description="The stage.")
    async def stage(self, info: Info[Context, None]) -> Stage:
        return await _one(info, "Stage", self.ref)


@strawberry.type
class JourneyQuestions:
    """Cross-silo questions about a journey (fields of the Journey type)."""

    id: strawberry.ID

    @strawberry.field(
        description="The service blueprint: one column per stage and touchpoint, in order, "
        "with owners, processes by layer, systems, pain points and measurements."
    )
    async def blueprint(self, info: Info[Context, None]) -> list[BlueprintColumn]:
        rows = await _rows(info, "Journey", self.id)
        return [
            BlueprintColumn(
                refs=row,
                measurements=[
                    BlueprintMeasure(
                        metric=m["metric"],
                        phase=m["phase"],
                        value=m["value"],
                        sample_size=m.get("sampleSize"),
                        date=_date(m.get("date")),
                    )
                    for m in row["measurements"]
                ],
            )
            for row in rows
        ]

    @strawberry.field(
        description="Emotion before, during and after each stage, and its CSAT, NPS and CES."
    )
    async def emotion_curve(self, info: Info[Context, None]) -> list[StageMetrics]:
        rows = await _rows(info, "Journey", self.id)
        return [
            StageMetrics(
                ref=row["stage"],
                before=row["before"],
                during=row["during"],
                after=row["after"],
                csat=row["csat"],
                nps=row["nps"],
                ces=row["ces"],
                pain_points=row["painPoints"],
            )
            for row in rows
        ]


# ------------------------------------------------------------------ 5. hand-offs at a touchpoint


@strawberry.type(description="A process behind a touchpoint and the teams it involves.")
class ProcessBehind:
    refs: strawberry.Private[Props]

    @strawberry.field(description="The process.")
    async def process(self, info: Info[Context, None]) -> Process:
        return await _one(info, "Process", self.refs["process"])

    @strawberry.field(description="Teams accountable for it.")
    async def owners(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["owners"])

    @strawberry.field(description="Teams carrying it out.")
    async def performers(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["performers"])

    @strawberry.field(description="Processes it hands work off to.")
    async def hands_off_to(self, info: Info[Context, None]) -> list[Process]:
        return await _many(info, "Process", self.refs["handsOffTo"])


@strawberry.type
class TouchpointQuestions:
    """Cross-silo questions about a touchpoint (fields of the Touchpoint type)."""

    id: strawberry.ID

    @strawberry.field(
        description="Who works behind this touchpoint: each supporting process with the teams "
        "owning and performing it and where it hands work off to."
    )
    async def behind(self, info: Info[Context, None]) -> list[ProcessBehind]:
        rows = await _rows(info, "Touchpoint", self.id)
        return [ProcessBehind(refs=row) for row in rows]


# ------------------------------------------------------------------ questions about the whole graph


@strawberry.type(description="A touchpoint, process or system that no team is accountable for.")
class OwnershipGap:
    refs: strawberry.Private[Props]
    label: str = strawberry.field(description="Touchpoint, Process or System.")
    layer: BlueprintLayer
    pain_points: int = strawberry.field(
        description="Pain points at the touchpoints the item is part of or behind."
    )

    @strawberry.field(description="The unowned item.")
    async def item(self, info: Info[Context, None]) -> Node:
        found: Node = await _one(info, self.label, self.refs["item"])
        return found

    @strawberry.field(
        description="Teams performing an unowned process (responsible, not accountable)."
    )
    async def performers(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["performers"])

    @strawberry.field(description="Journeys the item is part of or behind.")
    async def journeys(self, info: Info[Context, None]) -> list[Journey]:
        return await _many(info, "Journey", self.refs["journeys"])


@strawberry.type(description="A touchpoint whose supporting processes involve several teams.")
class Handoff:
    refs: strawberry.Private[Props]
    team_count: int = strawberry.field(description="Teams owning or performing those processes.")
    pain_points: int = strawberry.field(description="Pain points at the touchpoint.")
    handoff_pain_points: int = strawberry.field(description="Of which in the category 'handoff'.")

    @strawberry.field(description="The touchpoint.")
    async def touchpoint(self, info: Info[Context, None]) -> Touchpoint:
        return await _one(info, "Touchpoint", self.refs["touchpoint"])

    @strawberry.field(description="Its journey.")
    async def journey(self, info: Info[Context, None]) -> Journey | None:
        return await _one(info, "Journey", self.refs["journey"])

    @strawberry.field(description="Its stage.")
    async def stage(self, info: Info[Context, None]) -> Stage | None:
        return await _one(info, "Stage", self.refs["stage"])

    @strawberry.field(description="The processes supporting it directly.")
    async def processes(self, info: Info[Context, None]) -> list[Process]:
        return await _many(info, "Process", self.refs["processes"])

    @strawberry.field(description="The teams owning or performing them.")
    async def teams(self, info: Info[Context, None]) -> list[Team]:
        return await _many(info, "Team", self.refs["teams"])


@strawberry.type(description="A pain point with the measures of its impact.")
class PainPointImpact:
    refs: strawberry.Private[Props]
    customers: int = strawberry.field(
        description="Customers whose feedback evidences the pain point."
    )
    severity: int | None = strawberry.field(description="1 (minor) to 5 (severe).")
    moment_of_truth: bool = strawberry.field(
        description="It occurs at a touchpoint that is a moment of truth."
    )
    feedback: int | None = strawberry.field(
        description="Feedback evidencing it (null where not counted)."
    )
    teams: int | None = strawberry.field(
        description="Teams that must cooperate to fix it (null where not counted)."
    )

    @strawberry.field(description="The pain point.")
    async def pain_point(self, info: Info[Context, None]) -> PainPoint:
        return await _one(info, "PainPoint", self.refs["painPoint"])

    @strawberry.field(description="Touchpoints where it occurs.")
    async def touchpoints(self, info: Info[Context, None]) -> list[Touchpoint]:
        return await _many(info, "Touchpoint", self.refs["touchpoints"])

    @strawberry.field(description="Journeys of those touchpoints.")
    async def journeys(self, info: Info[Context, None]) -> list[Journey]:
        return await _many(info, "Journey", self.refs["journeys"])


def _impact(row: Props) -> PainPointImpact:
    return PainPointImpact(
        refs=row,
        customers=row["customers"],
        severity=row["severity"],
        moment_of_truth=row["momentOfTruth"],
        feedback=row.get("feedback"),
        teams=row.get("teams"),
    )


@strawberry.enum(description="How pain points are ranked.")
class PainPointRank(Enum):
    CUSTOMERS = "customers"
    TEAMS = "teams"


@strawberry.enum(description="Why an item counts as stale.")
class StaleReason(Enum):
    NOT_VERIFIED = "not_verified"
    VERIFIED_BEFORE = "verified_before"
    OWNER_STALE = "owner_stale"


@strawberry.type(description="An item not verified recently, or whose owner is not.")
class StaleItem:
    refs: strawberry.Private[Props]
    label: str = strawberry.field(description="The item's type.")
    verified_at: date | None = strawberry.field(description="When it was last verified.")
    reason: StaleReason

    @strawberry.field(description="The item.")
    async def item(self, info: Info[Context, None]) -> Node:
        found: Node = await _one(info, self.label, self.refs["item"])
        return found

    @strawberry.field(description="The stale owning team, for OWNER_STALE.")
    async def owner(self, info: Info[Context, None]) -> Team | None:
        return await _one(info, "Team", self.refs["owner"])


@strawberry.type
class QueryQuestions:
    """Cross-silo questions about the whole graph (fields of Query)."""

    @strawberry.field(
        description="Touchpoints, processes and systems no team is accountable for, with the "
        "journeys and pain points hanging on them."
    )
    async def ownership_gaps(self, info: Info[Context, None]) -> list[OwnershipGap]:
        rows = await info.context.store.read("gaps/ownership")
        return [
            OwnershipGap(
                refs=row,
                label=row["label"],
                layer=BlueprintLayer(row["layer"]),
                pain_points=row["painPoints"],
            )
            for row in rows
        ]

    @strawberry.field(
        description="Touchpoints whose supporting processes are owned or performed by at least "
        "`minTeams` teams, and whether pain points cluster there."
    )
    async def handoffs(self, info: Info[Context, None], min_teams: int = 2) -> list[Handoff]:
        rows = await info.context.store.read("handoffs/list", {"minTeams": min_teams})
        return [
            Handoff(
                refs=row,
                team_count=row["teamCount"],
                pain_points=row["painPoints"],
                handoff_pain_points=row["handoffPainPoints"],
            )
            for row in rows
        ]

    @strawberry.field(
        description="Pain points ranked by customer impact (customers, then severity and "
        "moments of truth) or by how many teams must cooperate to fix them."
    )
    async def pain_point_ranking(
        self,
        info: Info[Context, None],
        by: PainPointRank = PainPointRank.CUSTOMERS,
        first: int = 20,
    ) -> list[PainPointImpact]:
        params = {"by": by.value, "limit": page_size(first, 20)}
        return [_impact(row) for row in await info.context.store.read("painpoint/ranking", params)]

    @strawberry.field(
        description="Pain points no opportunity addresses, of severity `minSeverity` or more, "
        "most severe first."
    )
    async def pain_points_without_opportunity(
        self, info: Info[Context, None], min_severity: int = 0
    ) -> list[PainPointImpact]:
        rows = await info.context.store.read(
            "painpoint/without_opportunity", {"minSeverity": min_severity}
        )
        return [_impact(row) for row in rows]

    @strawberry.field(
        description="Journeys, touchpoints, processes, systems, teams and opportunities not "
        "verified since `since`, and items whose owning team is not."
    )
    async def stale_items(self, info: Info[Context, None], since: date) -> list[StaleItem]:
        rows = await info.context.store.read("freshness/stale", {"since": since.isoformat()})
        return [
            StaleItem(
                refs=row,
                label=row["label"],
                verified_at=None
                if row["verifiedAt"] is None
                else date.fromisoformat(row["verifiedAt"]),
                reason=StaleReason(row["reason"]),
            )
            for row in rows
        ]


PREFETCH.update(
    {
        "PainPoint": {
            "affectingTeams": ("painpoint/affecting_teams", "painPoint"),
            "personasHit": ("painpoint/personas", "painPoint"),
            "initiatives": ("painpoint/opportunities", "painPoint"),
        },
        "Team": {
            "affects": ("team/affected", "team"),
            "impact": ("team/impact", "team"),
            "rollUp": ("team/rollup", "team"),
        },
        "System": {
            "blastRadius": ("system/blast_radius", "system"),
            "impact": ("system/impact", "system"),
        },
        "Journey": {
            "blueprint": ("journey/blueprint", "journey"),
            "emotionCurve": ("journey/emotion_curve", "journey"),
        },
        "Touchpoint": {"behind": ("touchpoint/handoffs", "touchpoint")},
    }
)

MIXINS: dict[str, type] = {
    "PainPoint": PainPointQuestions,
    "Team": TeamQuestions,
    "System": SystemQuestions,
    "Journey": JourneyQuestions,
    "Touchpoint": TouchpointQuestions,
}
"""Hand-written fields added to the types built from the ontology."""
