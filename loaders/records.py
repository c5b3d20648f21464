"""What readers produce: nodes and relationships with the place in the source they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


# Origins and relationship records are made by the million in a load and never changed
# once made: plain (not frozen) dataclasses with a hash are 3-5x faster to create.
@dataclass(slots=True, unsafe_hash=True)
class Origin:
    """Where in a source a value was read: file, line (or JSON pointer / element) and field."""

    file: str
    line: int | str
    field: str | None = None

    def at(self, field_name: str) -> Origin:
        """The same place, narrowed to one field."""
        return Origin(self.file, self.line, field_name)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: field {self.field!r}" if self.field else where


@dataclass(slots=True)
class NodeRecord:
    """One node to upsert: its label, id and typed properties."""

    label: str
    id: str
    props: dict[str, Any]
    origin: Origin
    cleared: tuple[str, ...] = ()
    """Properties the source has a field for and leaves empty: a value an earlier load of the
    same source wrote for them is removed."""


@dataclass(slots=True, unsafe_hash=True)
class RelRecord:
    """One relationship to upsert, from a node to a node, each given by label and id."""

    type: str
    source_label: str
    source_id: str
    target_label: str
    target_id: str
    origin: Origin
    props: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes two records the same relationship."""
        return (self.source_label, self.source_id, self.type, self.target_label, self.target_id)


@dataclass(frozen=True)
class LoadProblem:
    """One reason a source cannot be loaded, located as precisely as the source allows."""

    origin: Origin
    message: str
    value: Any = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{self.origin}: {self.message}{shown}"


class LoadFailed(Exception):
    """A load was refused; nothing was written. Carries the problems found (up to a limit)
    and how many there were in all."""

    def __init__(self, problems: list[LoadProblem], count: int | None = None) -> None:
        self.problems = problems
        self.count = len(problems) if count is None else count
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Batch:
    """The records and problems of one whole document (a reader that must parse a file
    whole, such as a journey map, collects them here before yielding them)."""

    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


Item = NodeRecord | RelRecord | LoadProblem
"""What a reader yields, in file order."""
