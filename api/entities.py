"""GraphQL types for every class of the ontology, built from it when the schema is built.

For each label: an object type with the label's properties (typed, enums for enumerated
values, descriptions from the ontology), provenance (`source`, `loadRun`) and a field per
relationship direction (`api.navigation`); a filter input and a sort input for its list
field; and a Relay connection. Relationship fields with many neighbours are connections
too, so a segment's 200,000 customers come a page at a time.

Every field that reads the graph goes through a per-request DataLoader: one engine round
trip per field and level of a GraphQL query, whatever the number of parents.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Generic, TypeVar, cast

import strawberry
from strawberry.types import Info

from api.context import Context, Props
from api.errors import UserError
from api.limits import page_size
from api.navigation import Navigation, list_field, lookup_field, navigations
from ontology.model import PropertySpec, load_schema
from queries.generated import nav_query
from queries.listing import Condition, Listing, Test

DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


@strawberry.interface(description="An item of the graph, with its id (unique for its type).")
class Node:
    id: strawberry.ID = strawberry.field(description="The item's id, as in its source.")


@strawberry.type(description="Where a page is in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="An item of a list, with the cursor after which the next page starts.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list: `first` items `after` a cursor, and the total.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The items of this page (the nodes of `edges`).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole list has.")
    async def total_count(self) -> int:
        return await self.count()


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


def connection_of(cls: type) -> Any:
    """The connection type of a type built at run time (`TeamConnection`)."""
    return Connection[cls]  # type: ignore[valid-type]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


@dataclass(frozen=True)
class Page:
    """Which slice of a list a request asks for: `skip` items, then `size`."""

    skip: int
    size: int

    @classmethod
    def of(cls, first: int | None, after: str | None) -> Page:
        """The page of `first`/`after`, checked: a clear error for a bad size or cursor."""
        size = page_size(first, DEFAULT_PAGE_SIZE)
        if after is None:
            return cls(0, size)
        try:
            kind, _, offset = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
            if kind != "o" or not offset.isdigit():
                raise ValueError(after)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise UserError(f"after: {after!r} is not a cursor of this list") from None
        return cls(int(offset) + 1, size)

    def connection(self, items: list[Any], count: Callable[[], Awaitable[int]]) -> Connection[Any]:
        """A connection over `items`, the rows from `skip` on (one more than `size` when there
        are more)."""
        shown = items[: self.size]
        edges = [Edge(cursor=_cursor(self.skip + i), node=item) for i, item in enumerate(shown)]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(items) > self.size,
                has_previous_page=self.skip > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            count=count,
        )


# ---------------------------------------------------------------- values and enums

_SCALARS: dict[str, type] = {
    "string": str,
    "integer": int,
    "decimal": float,
    "boolean": bool,
    "date": date,
    "dateTime": datetime,
}


def _camel(name: str) -> str:
    return name[0].upper() + name[1:]


def _upper_snake(name: str) -> str:
    return "".join(f"_{c}" if c.isupper() else c.upper() for c in name).lstrip("_")


@cache
def property_enum(label: str, prop: str) -> type[Enum]:
    """The GraphQL enum of an enumerated property (`TeamKind`: DIVISION, DEPARTMENT, …)."""
    spec = load_schema().node_types[label].properties[prop]
    assert spec.allowed is not None
    members = {value.upper(): value for value in spec.allowed}
    enum = Enum(f"{label}{_camel(prop)}", members)  # type: ignore[misc]
    return strawberry.enum(enum, description=f"Values of {label}.{prop}: {spec.comment}")


def _python_type(label: str, spec: PropertySpec) -> Any:
    return property_enum(label, spec.name) if spec.allowed else _SCALARS[spec.datatype]


def _converter(label: str, spec: PropertySpec) -> Callable[[Any], Any]:
    if spec.allowed:
        return property_enum(label, spec.name)
    if spec.datatype == "date":
        return lambda v: v if isinstance(v, date) else date.fromisoformat(v)
    if spec.datatype == "dateTime":
        return lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)
    if spec.datatype == "decimal":
        return float
    return lambda v: v


def _to_param(value: Any) -> Any:
    """A GraphQL input value as a query parameter (enums by value, dates as ISO strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_to_param(v) for v in value]
    return value


# ---------------------------------------------------------------- entity types

TYPES: dict[str, type] = {}
"""The GraphQL object type of each label, filled by `entity_types`."""

_BUILDERS: dict[str, Callable[[Props], Any]] = {}


def build(label: str, props: Props) -> Any:
    """An object of the GraphQL type of `label` from a node's properties."""
    return _BUILDERS[label](props)


def _builder(label: str, cls: type) -> Callable[[Props], Any]:
    node = load_schema().node_types[label]
    converters = [(name, _converter(label, spec)) for name, spec in node.properties.items()]

    def make(props: Props) -> Any:
        values = {
            name: None if (value := props.get(name)) is None else convert(value)
            for name, convert in converters
        }
        return cls(**values, source=props.get("source"), load_run_id=props.get("loadRun"))

    return make


def _describe_nav(nav: Navigation) -> str:
    rel = load_schema().relationship_types[nav.type]
    if nav.outgoing:
        return f"{rel.comment} (`{nav.source}-[{nav.type}]->{nav.target}`)"
    comment = rel.comment[0].lower() + rel.comment[1:]
    return f"Followed backwards (`{nav.source}-[{nav.type}]->{nav.target}`): {comment}"


def _nav_field(nav: Navigation) -> Any:
    query = nav_query("out" if nav.outgoing else "in", nav.source, nav.type, nav.target)
    other = nav.other
    if nav.single:

        async def one(root: Any, info: Info[Context, None]) -> Any:
            row = await info.context.neighbours(query, 0, 1).load(str(root.id))
            return build(other, row["nodes"][0]) if row["nodes"] else None

        return strawberry.field(
            resolver=one, graphql_type=TYPES[other] | None, description=_describe_nav(nav)
        )

    async def many(
        root: Any,
        info: Info[Context, None],
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Any:
        page = Page.of(first, after)
        row = await info.context.neighbours(query, page.skip, page.skip + page.size + 1).load(
            str(root.id)
        )

        async def total() -> int:
            return int(row["total"])

        return page.connection([build(other, props) for props in row["nodes"]], total)

    return strawberry.field(
        resolver=many,
        graphql_type=connection_of(TYPES[other]),
        description=_describe_nav(nav),
    )


async def _load_run(root: Any, info: Info[Context, None]) -> Any:
    if root.load_run_id is None:
        return None
    props = await info.context.nodes["LoadRun"].load(root.load_run_id)
    return None if props is None else build("LoadRun", props)


def entity_types(mixins: dict[str, type]) -> dict[str, type]:
    """Create the object type of every label; `mixins` add hand-written fields to some."""
    schema = load_schema()
    provenance = schema.provenance_properties
    for label in sorted(schema.data_labels):  # plain classes first: fields refer to each other
        TYPES[label] = type(label, (*((mixins[label],) if label in mixins else ()), Node), {})
    for label, cls in TYPES.items():
        node = schema.node_types[label]
        annotations: dict[str, Any] = {}
        for name, spec in node.properties.items():
            kind = _python_type(label, spec)
            if name == "id":
                kind = strawberry.ID
            annotations[name] = kind if spec.required else kind | None
            setattr(
                cls,
                name,
                strawberry.field(description=spec.comment)
                if spec.required
                else strawberry.field(description=spec.comment, default=None),
            )
        annotations["source"] = str | None
        cls.source = strawberry.field(  # type: ignore[attr-defined]
            description=provenance["source"].comment, default=None
        )
        annotations["load_run_id"] = cast(Any, strawberry.Private)[str | None]
        cls.load_run_id = None  # type: ignore[attr-defined]
        if label != "LoadRun":
            cls.load_run = strawberry.field(  # type: ignore[attr-defined]
                resolver=_load_run,
                graphql_type=TYPES["LoadRun"] | None,
                description="The load run (or API change) that last created or changed this item.",
            )
        for nav in navigations()[label]:
            setattr(cls, nav.field, _nav_field(nav))
        cls.__annotations__ = annotations
        cls.__module__ = __name__
        strawberry.type(cls, description=node.comment)
        _BUILDERS[label] = _builder(label, cls)
    return TYPES


# ---------------------------------------------------------------- lists: filter and sort


@dataclass(frozen=True)
class _Rule:
    """How one field of a filter input becomes a condition."""

    condition: Condition
    negated: Condition | None = None
    """For a boolean `has…` field: the condition when the value is false."""


@cache
def _filter_rules(label: str) -> dict[str, tuple[Any, str, _Rule]]:
    """Field name → (GraphQL type, description, rule) of the filter input of `label`."""
    node = load_schema().node_types[label]
    fields: dict[str, tuple[Any, str, _Rule]] = {
        "ids": (list[strawberry.ID] | None, "Only these ids.", _Rule(Condition(Test.ID_IN, "id")))
    }
    for name, spec in node.properties.items():
        kind = _python_type(label, spec)
        if name == "id":
            continue
        fields[name] = (kind | None, f"{name} equals.", _Rule(Condition(Test.EQUALS, name)))
        if spec.allowed:
            fields[f"{name}In"] = (
                list[kind] | None,  # type: ignore[valid-type]
                f"{name} is one of.",
                _Rule(Condition(Test.IN, name)),
            )
        elif spec.datatype == "string":
            fields[f"{name}Contains"] = (
                str | None,
                f"{name} contains this text, ignoring case.",
                _Rule(Condition(Test.CONTAINS, name)),
            )
        if spec.datatype in ("integer", "decimal", "date", "dateTime") and not spec.allowed:
            fields[f"{name}Min"] = (
                kind | None,
                f"{name} is at least.",
                _Rule(Condition(Test.AT_LEAST, name)),
            )
            fields[f"{name}Max"] = (
                kind | None,
                f"{name} is at most.",
                _Rule(Condition(Test.AT_MOST, name)),
            )
    for nav in navigations()[label]:
        linked = Condition(Test.LINKED_TO, nav.type, nav.other, nav.outgoing)
        fields[nav.field] = (
            strawberry.ID | None,
            f"Has this {nav.other} among its {nav.field}.",
            _Rule(linked),
        )
        fields[f"has{_camel(nav.field)}"] = (
            bool | None,
            f"Has (true) or has no (false) {nav.field}.",
            _Rule(
                Condition(Test.HAS_LINK, nav.type, nav.other, nav.outgoing),
                Condition(Test.HAS_NO_LINK, nav.type, nav.other, nav.outgoing),
            ),
        )
    return fields


@cache
def filter_input(label: str) -> type:
    """The filter input of `label`'s list field: every field set must hold (AND)."""
    rules = _filter_rules(label)
    cls = type(f"{label}Filter", (), {})
    cls.__annotations__ = {name: kind for name, (kind, _, _) in rules.items()}
    for name, (_, description, _) in rules.items():
        setattr(cls, name, strawberry.field(description=description, default=strawberry.UNSET))
    cls.__module__ = __name__
    return strawberry.input(cls, description=f"Which {label} items to list.")


def conditions(label: str, given: Any) -> tuple[tuple[Condition, ...], list[Any]]:
    """The conditions and their values for a filter input object (None: no filter)."""
    found: list[Condition] = []
    values: list[Any] = []
    if given is None:
        return (), []
    for name, (_, _, rule) in _filter_rules(label).items():
        value = getattr(given, name, strawberry.UNSET)
        if value is strawberry.UNSET or value is None:
            continue
        if rule.negated is not None:  # has…: true or false, no value sent
            found.append(rule.condition if value else rule.negated)
            continue
        found.append(rule.condition)
        values.append(_to_param(value))
    return tuple(found), values


@cache
def order_input(label: str) -> tuple[type, type[Enum]]:
    """The sort input of `label`'s list field, and its enum of sortable properties."""
    node = load_schema().node_types[label]
    fields = cast(
        type[Enum],
        Enum(f"{label}OrderField", {_upper_snake(name): name for name in node.properties}),
    )
    fields = strawberry.enum(fields, description=f"Properties to sort {label} items by.")
    cls = type(f"{label}Order", (), {})
    cls.__annotations__ = {"field": fields, "direction": SortDirection}
    cls.field = strawberry.field(description="The property to sort by.")  # type: ignore[attr-defined]
    cls.direction = strawberry.field(  # type: ignore[attr-defined]
        description="Ascending (missing values last) or descending (missing first).",
        default=SortDirection.ASC,
    )
    cls.__module__ = __name__
    return strawberry.input(cls, description=f"How to sort {label} items."), fields


def listing(label: str, given_filter: Any, order: Any) -> tuple[Listing, list[Any]]:
    """The list request for a label's list field arguments, with its condition values."""
    found, values = conditions(label, given_filter)
    if order is None:
        return Listing(label, found), values
    return Listing(label, found, order.field.value, order.direction is SortDirection.DESC), values


def query_fields() -> dict[str, Any]:
    """The Query fields of every label: a lookup by id and a filtered, sorted list."""
    fields: dict[str, Any] = {}
    for label, cls in TYPES.items():
        fields[lookup_field(label)] = _lookup_field(label, cls)
        fields[list_field(label)] = _list_field(label, cls)
    return fields


PREFETCH: dict[str, dict[str, tuple[str, str]]] = {}
"""Per label, the fields answered by a named query about the item's id: field name ->
(query, key column). The fields' resolvers run these queries, and a lookup asking for such
fields starts their queries together with its own."""


def _lookup_field(label: str, cls: type) -> Any:
    async def lookup(info: Info[Context, None], id: strawberry.ID) -> Any:
        # The item and the questions asked about it go to the engine at once, not in turn.
        for field in info.selected_fields:
            for selection in field.selections:
                name = getattr(selection, "name", None)
                if (asked := PREFETCH.get(label, {}).get(name or "")) is not None:
                    info.context.rows(*asked).load(str(id))
        props = await info.context.nodes[label].load(str(id))
        return None if props is None else build(label, props)

    return strawberry.field(
        resolver=lookup, graphql_type=cls | None, description=f"The {label} with this id, or null."
    )


def _list_field(label: str, cls: type) -> Any:
    filter_type = filter_input(label)
    order_type, _ = order_input(label)

    async def items(
        info: Info[Context, None],
        filter: Any = None,
        order_by: Any = None,
        first: int | None = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Any:
        page = Page.of(first, after)
        request, values = listing(label, filter, order_by)
        nodes = await info.context.page(request, values, page.skip, page.size + 1)

        async def count() -> int:
            return await info.context.count(request, values)

        return page.connection([build(label, props) for props in nodes], count)

    # the argument types are only known now: give them to strawberry through annotations
    items.__annotations__ = {
        **items.__annotations__,
        "filter": filter_type | None,
        "order_by": order_type | None,
    }
    return strawberry.field(
        resolver=items,
        graphql_type=connection_of(cls),
        description=f"{label} items, filtered, sorted and a page at a time.",
    )
