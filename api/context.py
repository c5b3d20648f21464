"""What every GraphQL resolver gets: the store and this request's DataLoaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from queries.generated import nodes_by_ids_name
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
                rows = await self._store.read(nodes_by_ids_name(label), {"ids": list(ids)})
                found = {row["node"]["id"]: row["node"] for row in rows}
                return [found.get(i) for i in ids]

            self._loaders[label] = DataLoader(load_fn=load)
        return self._loaders[label]


@dataclass
class Context(BaseContext):
    """The typed GraphQL context."""

    store: GraphStore
    nodes: NodeLoaders = field(init=False)

    def __post_init__(self) -> None:
        super().__init__()
        self.nodes = NodeLoaders(self.store)
