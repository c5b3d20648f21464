"""Changes portals make: owners, pain point links, feedback, verification, opportunities.

Each change is one query (atomic on both engines) that also records a LoadRun naming who
made it (`kind` `api:<mutation>`, `agent` the caller), and stamps what it creates or
changes with that run; it waits for no load but refuses to run during one (on the embedded
engine a load swaps in a copy of the graph, which would drop the change). Values are
checked against the ontology's shapes before anything is written.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from api.context import Context
from api.entities import TYPES, Node, build, property_enum
from api.errors import UserError
from api.security import IsEditor, principal_of
from ontology.model import load_schema
from ontology.values import BadValue, coerce, timestamp
from queries.errors import GraphBusy
from queries.generated import change_query, node_query
from queries.measures import measure
from queries.store import GraphStore

SOURCE = "api"

FeedbackKind = property_enum("Feedback", "kind")
FeedbackMetric = property_enum("Feedback", "metric")
OpportunityStatus = property_enum("Opportunity", "status")


@strawberry.input(description="A complaint, survey answer, ticket or review to record.")
class FeedbackInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Id of the feedback; one is made up when not given."
    )
    customer: strawberry.ID = strawberry.field(description="The customer who gave it.")
    touchpoint: strawberry.ID | None = strawberry.field(
        default=None, description="The touchpoint it is about (or give `channel`)."
    )
    channel: strawberry.ID | None = strawberry.field(
        default=None,
        description="The channel it was given on, when it is about no particular touchpoint "
        "(or give `touchpoint`).",
    )
    kind: FeedbackKind  # type: ignore[valid-type]
    date: date
    text: str | None = None
    category: str | None = None
    metric: FeedbackMetric | None = None  # type: ignore[valid-type]
    score: float | None = None
    pain_points: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Pain points this feedback is evidence of."
    )


@strawberry.input(description="An opportunity to create, or the changes to one.")
class OpportunityInput:
    id: strawberry.ID
    name: str | None = strawberry.field(default=None, description="Required for a new one.")
    description: str | None = None
    status: OpportunityStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Required for a new one."
    )
    verified_at: date | None = None
    owner: strawberry.ID | None = strawberry.field(
        default=None, description="The team that becomes its only owner; unchanged if null."
    )
    pain_points: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Exactly the pain points it addresses from now on; unchanged if null.",
    )


def _run(info: Info[Context, None], mutation: str) -> dict[str, Any]:
    """The LoadRun properties recording this change and who made it."""
    now = timestamp()
    stamp = now.replace("-", "").replace(":", "").replace(".", "")
    return {
        "id": f"api-{stamp}-{uuid.uuid4().hex[:8]}",
        "kind": f"api:{mutation}",
        "status": "committed",
        "startedAt": now,
        "finishedAt": now,
        "agent": principal_of(info).subject,
        "sources": SOURCE,
    }


def _checked(label: str, values: dict[str, Any], where: str) -> dict[str, Any]:
    """`values` checked and converted against the shapes of `label`'s properties."""
    properties = load_schema().node_types[label].properties
    checked = {}
    for name, value in values.items():
        if value is None:
            continue
        raw = value.value if hasattr(value, "value") else value
        raw = raw.isoformat() if isinstance(raw, date) else raw
        try:
            checked[name] = coerce(raw, properties[name])
        except BadValue as exc:
            raise UserError(f"{where}.{name}: {raw!r}: {exc}") from None
        if checked[name] == "":
            raise UserError(f"{where}.{name}: must not be empty")
    return checked


@asynccontextmanager
async def _exclusive(info: Info[Context, None]) -> AsyncIterator[GraphStore]:
    """The store, holding the graph's write lock; a user error while a load holds it."""
    store = info.context.store
    try:
        async with store.exclusive():
            yield store
    except GraphBusy as exc:
        raise UserError(str(exc)) from None


async def _write(info: Info[Context, None], query: str, params: dict[str, Any]) -> list[Any]:
    async with _exclusive(info) as store:
        return (await store.write(query, params)).rows


async def _existing(info: Info[Context, None], label: str, id: str, argument: str) -> Any:
    props = await info.context.nodes[label].load(id)
    if props is None:
        raise UserError(f"{argument}: there is no {label} {id!r}")
    return props


async def _reload(info: Info[Context, None], label: str, id: str) -> Any:
    """The item as the change left it (not as this request's loaders saw it before)."""
    rows = await info.context.store.read(node_query("get", label), {"ids": [id]})
    if not rows:
        raise UserError(f"id: the {label} {id!r} was deleted meanwhile")
    info.context.nodes[label].prime(id, rows[0]["node"], force=True)
    return build(label, rows[0]["node"])


async def _labelled(info: Info[Context, None], id: str, argument: str) -> str:
    found = await info.context.any_nodes.load(id)
    if found is None:
        raise UserError(f"{argument}: there is no item {id!r}")
    label: str = found["label"]
    return label


async def set_owner(info: Info[Context, None], item: strawberry.ID, team: strawberry.ID) -> Any:
    label = await _labelled(info, str(item), "item")
    owned = {t for _, rel, t in load_schema().endpoints() if rel == "OWNS"}
    if label not in owned:
        raise UserError(f"item: {item!r} is a {label}; teams own {', '.join(sorted(owned))}")
    await _existing(info, "Team", str(team), "team")
    params = {"item": str(item), "team": str(team), "run": _run(info, "setOwner")}
    await _write(info, change_query("owner", label), {**params, "source": SOURCE})
    return await _reload(info, label, str(item))


async def link_pain_point(
    info: Info[Context, None], pain_point: strawberry.ID, touchpoint: strawberry.ID
) -> Any:
    await _existing(info, "PainPoint", str(pain_point), "painPoint")
    await _existing(info, "Touchpoint", str(touchpoint), "touchpoint")
    params = {
        "painPoint": str(pain_point),
        "touchpoint": str(touchpoint),
        "run": _run(info, "linkPainPoint"),
        "source": SOURCE,
    }
    await _write(info, "change/link_pain_point", params)
    return await _reload(info, "PainPoint", str(pain_point))


async def record_feedback(info: Info[Context, None], input: FeedbackInput) -> Any:
    feedback_id = str(input.id) if input.id else f"fb-api-{uuid.uuid4().hex[:12]}"
    if await info.context.nodes["Feedback"].load(feedback_id) is not None:
        raise UserError(f"input.id: feedback {feedback_id!r} exists already")
    await _existing(info, "Customer", str(input.customer), "input.customer")
    if (input.touchpoint is None) == (input.channel is None):
        raise UserError(
            "input.touchpoint: give the touchpoint the feedback is about, or else the channel "
            "it was given on; not both, not neither"
        )
    if input.touchpoint is not None:
        await _existing(info, "Touchpoint", str(input.touchpoint), "input.touchpoint")
    if input.channel is not None:
        await _existing(info, "Channel", str(input.channel), "input.channel")
    for pain_point in input.pain_points:
        await _existing(info, "PainPoint", str(pain_point), "input.painPoints")
    props = _checked(
        "Feedback",
        {
            "id": feedback_id,
            "kind": input.kind,
            "date": input.date,
            "text": input.text,
            "category": input.category,
            "metric": input.metric,
            "score": input.score,
        },
        "input",
    )
    if (props.get("metric") is None) != (props.get("score") is None):
        raise UserError("input.score: a score needs its metric, and a metric its score")
    run = _run(info, "recordFeedback")
    params = {
        "props": props,
        "customer": str(input.customer),
        "touchpoint": None if input.touchpoint is None else str(input.touchpoint),
        "channel": None if input.channel is None else str(input.channel),
        "painPoints": [str(p) for p in input.pain_points],
        "run": run,
        "source": SOURCE,
    }
    await _write(info, "change/record_feedback", params)
    if "score" in props:  # keep the monthly measurements of the touchpoint and its channel
        channels = [str(input.channel)] if input.channel is not None else []
        if input.touchpoint is not None:
            touchpoints = [str(input.touchpoint)]
            await _measure(info, "Touchpoint", touchpoints, run["id"])
            rows = await info.context.store.read("feedback/channels", {"touchpoints": touchpoints})
            channels = sorted(row["channel"] for row in rows)
        if channels:
            await _measure(info, "Channel", channels, run["id"])
    return await _reload(info, "Feedback", feedback_id)


async def _measure(info: Info[Context, None], label: str, ids: list[str], run: str) -> None:
    async with _exclusive(info) as store:
        await measure(store, label, ids, source=SOURCE, load_run=run)


async def mark_verified(
    info: Info[Context, None], id: strawberry.ID, on: date | None = None
) -> Node:
    label = await _labelled(info, str(id), "id")
    if "verifiedAt" not in load_schema().node_types[label].properties:
        raise UserError(f"id: {id!r} is a {label}, which has no verification date")
    when = (on or datetime.now(UTC).date()).isoformat()
    params = {"id": str(id), "date": when, "run": _run(info, "markVerified")}
    await _write(info, change_query("verified", label), params)
    node: Node = await _reload(info, label, str(id))
    return node


async def save_opportunity(info: Info[Context, None], input: OpportunityInput) -> Any:
    exists = await info.context.nodes["Opportunity"].load(str(input.id)) is not None
    given = {
        "name": input.name,
        "description": input.description,
        "status": input.status,
        "verifiedAt": input.verified_at,
    }
    props = _checked("Opportunity", {"id": str(input.id), **given}, "input")
    if not exists:
        for name in load_schema().node_types["Opportunity"].required:
            if name not in props:
                raise UserError(f"input.{name}: required for a new opportunity")
    if input.owner is not None:
        await _existing(info, "Team", str(input.owner), "input.owner")
    for pain_point in input.pain_points or []:
        await _existing(info, "PainPoint", str(pain_point), "input.painPoints")
    params = {
        "id": str(input.id),
        "props": {k: v for k, v in props.items() if k != "id"},
        "owner": None if input.owner is None else str(input.owner),
        "painPoints": None if input.pain_points is None else [str(p) for p in input.pain_points],
        "run": _run(info, "saveOpportunity"),
        "source": SOURCE,
    }
    await _write(info, "change/save_opportunity", params)
    return await _reload(info, "Opportunity", str(input.id))


def mutation_type() -> type:
    """The Mutation type; every change needs the editor role."""
    editor: list[type[BasePermission]] = [IsEditor]
    fields: dict[str, tuple[Callable[..., Awaitable[Any]], Any, str]] = {
        "set_owner": (
            set_owner,
            Node,
            "Make a team the only accountable owner of a journey, touchpoint, process, system "
            "or opportunity; returns the item.",
        ),
        "link_pain_point": (
            link_pain_point,
            TYPES["PainPoint"],
            "Say that a pain point occurs at a touchpoint; returns the pain point.",
        ),
        "record_feedback": (
            record_feedback,
            TYPES["Feedback"],
            "Record feedback of a customer about a touchpoint, or given on a channel about no "
            "particular touchpoint (and the monthly measurements of the touchpoint and of its "
            "channel); returns the feedback.",
        ),
        "mark_verified": (
            mark_verified,
            Node,
            "Confirm that an item is up to date, on a date (today by default); returns it.",
        ),
        "save_opportunity": (
            save_opportunity,
            TYPES["Opportunity"],
            "Create or update an opportunity, its owner and the pain points it addresses.",
        ),
    }
    cls = type("Mutation", (), {})
    for name, (resolver, returns, description) in fields.items():
        setattr(
            cls,
            name,
            strawberry.mutation(
                resolver=resolver,
                graphql_type=returns,
                description=description,
                permission_classes=editor,
            ),
        )
    cls.__module__ = __name__
    return strawberry.type(cls, description="Changes; each needs the editor role.")
