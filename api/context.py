"""What every GraphQL resolver gets: the store and this request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from api.limits import Limits
from api.security import Principal
from queries.generated import ANY_NODE, node_query
from queries.listing import Listing, count_query, list_query, parameters
from queries.store import GraphStore

Props = dict[str, Any]


class NodeLoaders:
    """One DataLoader per label, created per request so nothing is cached across requests."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._loaders: dict[str, DataLoader[str, Props | None]] = {}

    def __getitem__(self, label: str) -> DataLoader[str, Props | None]:
        if label not in self._loaders:

            async def load(ids: Sequence[str], label: str = label) -> list[Props | None]:
                rows = await self._store.read(node_query("get", label), {"ids": list(ids)})
                found = {row["node"]["id"]: row["node"] for row in rows}
                return [found.get(i) for i in ids]

            self._loaders[label] = DataLoader(load_fn=load)
        return self._loaders[label]


class RowLoaders:
    """One DataLoader per named query taking `$ids` and returning rows keyed by a column.

    `rows.get("painpoint/affecting_teams", "painPoint").load(id)` gives the rows of that id,
    in the query's order; all ids asked for while resolving one level of a GraphQL query go
    to the engine in one round trip.
    """

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._loaders: dict[str, DataLoader[str, list[Props]]] = {}

    def get(self, query: str, key: str) -> DataLoader[str, list[Props]]:
        """The loader of the rows of `query` whose column `key` holds the id asked for."""
        if query not in self._loaders:

            async def load(ids: Sequence[str]) -> list[list[Props]]:
                grouped: dict[str, list[Props]] = {i: [] for i in ids}
                for row in await self._store.read(query, {"ids": list(ids)}):
                    grouped[row[key]].append(row)
                return [grouped[i] for i in ids]

            self._loaders[query] = DataLoader(load_fn=load)
        return self._loaders[query]


class NeighbourLoaders:
    """One DataLoader per navigation query and page: `{key, total, nodes}` of each id."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._loaders: dict[tuple[str, int, int], DataLoader[str, Props]] = {}

    def get(self, query: str, skip: int, end: int) -> DataLoader[str, Props]:
        """The loader of nodes `skip` to `end` (exclusive) of each id's neighbours."""
        if (query, skip, end) not in self._loaders:

            async def load(ids: Sequence[str]) -> list[Props]:
                rows = await self._store.read(query, {"ids": list(ids), "skip": skip, "end": end})
                found = {row["key"]: row for row in rows}
                return [found.get(i, {"key": i, "total": 0, "nodes": []}) for i in ids]

            self._loaders[(query, skip, end)] = DataLoader(load_fn=load)
        return self._loaders[(query, skip, end)]


@dataclass
class Context(BaseContext):
    """The typed GraphQL context."""

    store: GraphStore
    principal: Principal | None = None
    """Who the request acts for (None only outside an authenticated HTTP request)."""
    limits: Limits = field(default_factory=Limits)
    nodes: NodeLoaders = field(init=False)
    _rows: RowLoaders = field(init=False)
    any_nodes: DataLoader[str, Props | None] = field(init=False)
    selections: dict[tuple[str, ...], frozenset[str] | None] = field(
        init=False, default_factory=dict
    )
    """What the document asks at each place, worked out once per request (api.questions)."""
    _neighbours: NeighbourLoaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.nodes = NodeLoaders(self.store)
        self._rows = RowLoaders(self.store)
        self._neighbours = NeighbourLoaders(self.store)
        self.any_nodes = DataLoader(load_fn=self._any_nodes)

    async def _any_nodes(self, ids: Sequence[str]) -> list[Props | None]:
        found: dict[str, Props] = {}
        for row in await self.store.read(ANY_NODE, {"ids": list(ids)}):
            found.setdefault(row["node"]["id"], row)  # the first label wins if ids collide
        return [found.get(i) for i in ids]

    def rows(self, query: str, key: str) -> DataLoader[str, list[Props]]:
        """Loader of the rows of a named query about `$ids`, by the id in column `key`."""
        return self._rows.get(query, key)

    def neighbours(self, query: str, skip: int, end: int) -> DataLoader[str, Props]:
        """Loader of the neighbours `skip`…`end` of nodes by id, over a navigation query."""
        return self._neighbours.get(query, skip, end)

    async def page(self, listing: Listing, values: list[Any], skip: int, limit: int) -> list[Props]:
        """Properties of the nodes of one page of a list request."""
        params = {**parameters(listing, values), "skip": skip, "limit": limit}
        result = await self.store.execute(list_query(listing), params, write=False)
        return [row["node"] for row in result.rows]

    async def count(self, listing: Listing, values: list[Any]) -> int:
        """How many nodes a list request matches."""
        params = parameters(listing, values)
        result = await self.store.execute(count_query(listing), params, write=False)
        return int(result.rows[0]["count"])
