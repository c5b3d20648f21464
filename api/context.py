"""What every GraphQL resolver gets: the store and this request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from queries.generated import node_query
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

    `rows["painpoint/affecting_teams"].load(id)` gives the rows of that id, in the query's
    order; all ids asked for while resolving one level of a GraphQL query go to the engine
    in one round trip.
    """

    def __init__(self, store: GraphStore, key: str) -> None:
        self._store = store
        self._key = key
        self._loaders: dict[str, DataLoader[str, list[Props]]] = {}

    def __getitem__(self, query: str) -> DataLoader[str, list[Props]]:
        if query not in self._loaders:

            async def load(ids: Sequence[str], query: str = query) -> list[list[Props]]:
                grouped: dict[str, list[Props]] = {i: [] for i in ids}
                for row in await self._store.read(query, {"ids": list(ids)}):
                    grouped[row[self._key]].append(row)
                return [grouped[i] for i in ids]

            self._loaders[query] = DataLoader(load_fn=load)
        return self._loaders[query]


@dataclass
class Context(BaseContext):
    """The typed GraphQL context."""

    store: GraphStore
    nodes: NodeLoaders = field(init=False)
    pain_point_rows: RowLoaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.nodes = NodeLoaders(self.store)
        self.pain_point_rows = RowLoaders(self.store, key="painPoint")
