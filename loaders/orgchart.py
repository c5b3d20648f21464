"""Org-chart sources (kind `org`): one HR export of employees, whatever its columns.

HR systems name their columns differently (`Employee ID`, `Personnel No`, `login`), so an
`OrgMapping` says which column holds what; see docs/formats.md. The export may be CSV, XLSX
or JSON (`loaders.tables.table_rows`). Every person becomes a `Person` that is a member of
their unit; units given by a path (`Sales/EMEA/Inside Sales`) become `Team` nodes, one per
level, each part of the level above. Managers and units given by name are resolved among
the people and units of the same file.

Checks that one file can show are made here, each at the row and column it concerns:
values against the ontology, duplicate person ids within the file, unknown or ambiguous
names. The load pipeline checks the rest over the whole load: ids referring to nodes that
are neither in the load nor in the graph (a manager id or unit id from elsewhere), duplicate
ids across files, and reporting or unit cycles.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loaders.records import Item, LoadProblem, NodeRecord, Origin, RelRecord
from loaders.tables import _EXTRA, Header, table_rows
from ontology.model import PropertySpec, Schema
from ontology.values import BadValue, coerce

Reader = Callable[[Path, Schema], Iterator[Item]]

KIND = "org"
UNIT_KINDS = ("division", "department", "team")
"""Kinds of path units by depth, when no path in the file is deeper than this."""

_HEAD = PropertySpec("head", "boolean", "head", "The person heads their unit.")


class MappingError(ValueError):
    """An org mapping is not usable; the message says where and why."""


@dataclass(frozen=True)
class OrgMapping:
    """Which column of an HR export holds each field (None: the export has no such column).

    A person's unit is given by `unit_id`, by `unit` (its name) or by `unit_path` (the
    names of the units from the top down, separated by `path_separator`); `unit_id` and
    `unit_path` exclude each other. A manager is given by `manager_id` or `manager_name`.
    `is_head` holds true/false: whether the person leads their unit.
    """

    id: str = "id"
    name: str = "name"
    title: str | None = None
    email: str | None = None
    unit: str | None = None
    unit_id: str | None = None
    unit_path: str | None = None
    manager_id: str | None = None
    manager_name: str | None = None
    is_head: str | None = None
    path_separator: str = "/"

    def __post_init__(self) -> None:
        for name, column in self.columns().items():
            if not isinstance(column, str) or not column.strip():
                raise MappingError(f"the {name} column must be a non-empty column name")
        if not isinstance(self.path_separator, str) or not self.path_separator:
            raise MappingError("path_separator must be a non-empty text")
        if not (self.unit or self.unit_id or self.unit_path):
            raise MappingError("map at least one of unit, unit_id and unit_path")
        if self.unit_id and self.unit_path:
            raise MappingError("map unit_id or unit_path, not both")

    def columns(self) -> dict[str, str]:
        """The mapped fields and their columns."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "path_separator" and getattr(self, f.name) is not None
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "the org mapping") -> OrgMapping:
        """A mapping from field names to column names (and `path_separator`), e.g. from a
        YAML file or command-line options; MappingError for unknown fields or bad values."""
        known = [f.name for f in dataclasses.fields(cls)]
        if unknown := [key for key in data if key not in known]:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(str(key), known, n=1)
                hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            raise MappingError(
                f"{where}: unknown key(s) {', '.join(hints)}; the keys are {', '.join(known)}"
            )
        for key, value in data.items():
            if value is not None and not isinstance(value, str):
                raise MappingError(
                    f"{where}: {key} must be a column name (text), got {value!r}; quote it in YAML"
                )
        try:
            return cls(**dict(data))
        except MappingError as exc:
            raise MappingError(f"{where}: {exc}") from None

    @classmethod
    def from_file(cls, path: Path) -> OrgMapping:
        """A mapping from a YAML file of `field: column name` pairs."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise MappingError(f"{path}: not UTF-8 text") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            raise MappingError(f"{where}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise MappingError(f"{path}: expected `field: column name` pairs, got {data!r}")
        return cls.from_dict(data, str(path))


DEFAULT_MAPPING = OrgMapping(
    title="title", email="email", unit_path="unit", manager_id="manager", is_head="is_head"
)
"""The columns read when no mapping is given: id, name, title, email, unit (a path),
manager (an id) and is_head."""


def mapping_from_options(file: Path | None, columns: Sequence[str] = ()) -> OrgMapping:
    """The mapping given on a command line: a YAML mapping file and/or `field=column` pairs
    that add to or override it (`id=Employee ID`; `manager_id=` unmaps a field);
    `DEFAULT_MAPPING` when neither is given. MappingError says what is wrong."""
    if file is None and not columns:
        return DEFAULT_MAPPING
    data: dict[str, Any] = {}
    if file is not None:
        base = OrgMapping.from_file(file)
        data = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    for pair in columns:
        key, equals, column = pair.partition("=")
        if not equals or not key.strip():
            raise MappingError(f"--column {pair!r}: expected FIELD=COLUMN, e.g. id=Employee ID")
        data[key.strip()] = column.strip() or None
    return OrgMapping.from_dict(data, "--column" if file is None else f"{file} with --column")


def reader_for(mapping: OrgMapping) -> Reader:
    """The reader of org-chart files laid out as `mapping` says."""

    def read(path: Path, schema: Schema) -> Iterator[Item]:
        return read_org_chart(path, mapping, schema)

    return read


def unit_id_for(path: tuple[str, ...]) -> str:
    """The id of the unit at the end of a path: `team-` and a slug of each level
    (`("Sales", "EMEA")` → `team-sales--emea`); levels are joined by `--`, which a slug
    never holds, so that different paths give different ids."""
    return "team-" + "--".join(_slug(part) for part in path)


def _slug(text: str) -> str:
    slug = re.sub(r"[\W_]+", "-", text.casefold()).strip("-")
    return slug or "x" + hashlib.sha1(text.encode()).hexdigest()[:8]


def _key(name: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


@dataclass
class _Unit:
    id: str
    name: str
    origin: Origin
    path: tuple[str, ...] | None = None
    parent: str | None = None


@dataclass
class _Row:
    origin: Origin
    person: NodeRecord | None = None
    problems: list[LoadProblem] = field(default_factory=list)
    unit_id: str | None = None
    unit_name: str | None = None
    path: tuple[str, ...] | None = None
    manager_id: str | None = None
    manager_name: str | None = None
    head: bool = False


class _OrgChart:
    def __init__(self, mapping: OrgMapping, schema: Schema) -> None:
        self.m = mapping
        self.person = schema.node_types["Person"]
        self.optional = {  # ids and names of other nodes, which a row need not give
            (label, prop): dataclasses.replace(
                schema.node_types[label].properties[prop], required=False
            )
            for label in ("Person", "Team")
            for prop in ("id", "name")
        }
        self.rows: list[_Row] = []
        self.first: dict[str, NodeRecord] = {}
        self.units: dict[str, _Unit] = {}
        self.unit_problems: dict[int, list[LoadProblem]] = defaultdict(list)

    def header_problems(self, header: Header) -> Iterator[LoadProblem]:
        columns = set(header)
        for name, column in self.m.columns().items():
            if column in columns:
                continue
            message = (
                f"the mapping's {name} column is not in the file; its columns are "
                f"{', '.join(header)}"
                if header.located is None
                else f"the mapping's {name} key is in no object of the file"
            )
            yield LoadProblem(Origin(header.file, header.line, column), message)

    def value(
        self, row: _Row, cells: Mapping[str, str | None], name: str, spec: PropertySpec
    ) -> Any:
        """The checked value of mapped field `name` in a row; None when empty or bad."""
        column = getattr(self.m, name)
        assert isinstance(column, str)
        raw = cells.get(column)
        if raw is None or raw.strip() == "":
            if spec.required:
                row.problems.append(LoadProblem(row.origin.at(column), "a value is required"))
            return None
        try:
            return coerce(raw, spec)
        except BadValue as exc:
            row.problems.append(LoadProblem(row.origin.at(column), str(exc), raw))
            return None

    def add_row(self, line: int | str, file: str, cells: Mapping[str, str | None]) -> None:
        row = _Row(Origin(file, line))
        self.rows.append(row)
        if cells.get(_EXTRA):
            row.problems.append(LoadProblem(row.origin, "more cells than columns in the header"))
            return
        props: dict[str, Any] = {}
        for name, prop in (("id", "id"), ("name", "name"), ("title", "title"), ("email", "email")):
            if getattr(self.m, name) is not None:
                value = self.value(row, cells, name, self.person.properties[prop])
                if value is not None:
                    props[prop] = value
        person_id = props.get("id")
        if isinstance(person_id, str) and (first := self.first.get(person_id)) is not None:
            row.problems = [
                LoadProblem(
                    row.origin.at(self.m.id),
                    f"duplicate Person id, first given at {first.origin}",
                    person_id,
                )
            ]
            return
        if self.m.unit_id:
            row.unit_id = self.value(row, cells, "unit_id", self.optional["Team", "id"])
        if self.m.unit:
            row.unit_name = self.value(row, cells, "unit", self.optional["Team", "name"])
        if self.m.unit_path and (raw := cells.get(self.m.unit_path) or "").strip():
            parts = tuple(p.strip() for p in raw.split(self.m.path_separator) if p.strip())
            row.path = parts or None
        if not (row.unit_id or row.unit_name or row.path):
            column = self.m.unit_path or self.m.unit_id or self.m.unit
            assert column is not None
            if not any(p.origin.field == column for p in row.problems):
                row.problems.append(LoadProblem(row.origin.at(column), "a value is required"))
        if self.m.manager_id:
            row.manager_id = self.value(row, cells, "manager_id", self.optional["Person", "id"])
        if self.m.manager_name:
            spec = self.optional["Person", "name"]
            row.manager_name = self.value(row, cells, "manager_name", spec)
        if self.m.is_head:
            row.head = bool(self.value(row, cells, "is_head", _HEAD))
        if isinstance(person_id, str):
            # kept when other cells are bad, so that the person's name can still be resolved
            self.first[person_id] = NodeRecord("Person", person_id, props, row.origin)
            if not row.problems:
                row.person = self.first[person_id]

    def register(self, unit: _Unit, index: int, column: str) -> None:
        """Add a unit named by row `index`; a problem when its id names another unit."""
        known = self.units.get(unit.id)
        if known is None:
            self.units[unit.id] = unit
        elif known.name != unit.name or known.path != unit.path:
            message = (
                f"the unit id {unit.id} also stands for the path {self._unit_label(known)!r} "
                f"at {known.origin}"
                if known.path
                else f"the unit {unit.id} is named {known.name!r} at {known.origin}"
            )
            origin = self.rows[index].origin.at(column)
            problem = LoadProblem(origin, message, self._unit_label(unit))
            self.unit_problems[index].append(problem)

    def collect_units(self) -> None:
        """The units the file names: every level of every path, and each unit id given
        with a name."""
        for index, row in enumerate(self.rows):
            if row.path is not None:
                assert self.m.unit_path is not None
                for depth in range(1, len(row.path) + 1):
                    prefix = row.path[:depth]
                    parent = unit_id_for(prefix[:-1]) if depth > 1 else None
                    origin = row.origin.at(self.m.unit_path)
                    unit = _Unit(unit_id_for(prefix), prefix[-1], origin, prefix, parent)
                    self.register(unit, index, self.m.unit_path)
            elif row.unit_id is not None and row.unit_name is not None:
                assert self.m.unit is not None
                unit = _Unit(row.unit_id, row.unit_name, row.origin.at(self.m.unit))
                self.register(unit, index, self.m.unit)

    def resolve_unit(self, index: int, row: _Row, by_name: dict[str, list[_Unit]]) -> str | None:
        if row.path is not None:
            return unit_id_for(row.path)
        if row.unit_id is not None:
            return row.unit_id
        if row.unit_name is None:
            return None
        assert self.m.unit is not None
        candidates = by_name.get(_key(row.unit_name), [])
        if not (self.m.unit_id or self.m.unit_path):  # the names are the units
            if not candidates:
                origin = row.origin.at(self.m.unit)
                unit = _Unit(unit_id_for((row.unit_name,)), row.unit_name, origin)
                self.register(unit, index, self.m.unit)
                candidates = by_name[_key(row.unit_name)] = [self.units[unit.id]]
            return candidates[0].id
        if len(candidates) == 1:
            return candidates[0].id
        origin = row.origin.at(self.m.unit)
        if candidates:
            listed = ", ".join(f"{u.id} ({self._unit_label(u)})" for u in candidates)
            message = f"several units have this name: {listed}; give the unit by "
            message += "path" if self.m.unit_path else "id"
        else:
            close = difflib.get_close_matches(
                row.unit_name, sorted({u.name for u in self.units.values()}), n=3
            )
            message = "no unit named in the file has this name"
            if close:
                message += f"; similar names: {', '.join(close)}"
        row.problems.append(LoadProblem(origin, message, row.unit_name))
        return None

    def _unit_label(self, unit: _Unit) -> str:
        return self.m.path_separator.join(unit.path) if unit.path else unit.name

    def resolve_manager(self, row: _Row, by_name: dict[str, list[NodeRecord]]) -> str | None:
        assert row.person is not None
        manager = row.manager_id
        if row.manager_name is not None:
            assert self.m.manager_name is not None
            origin = row.origin.at(self.m.manager_name)
            candidates = by_name.get(_key(row.manager_name), [])
            if manager is not None:
                owner = self.first.get(manager)
                if owner is not None and owner not in candidates:
                    row.problems.append(
                        LoadProblem(
                            origin,
                            f"the manager id {manager} is {owner.props.get('name')!r}, "
                            "not this name",
                            row.manager_name,
                        )
                    )
            elif len(candidates) == 1:
                manager = candidates[0].id
            elif candidates:
                listed = ", ".join(f"{p.id} (at {p.origin.line})" for p in candidates)
                row.problems.append(
                    LoadProblem(
                        origin,
                        f"several people have this name: {listed}; give managers by id",
                        row.manager_name,
                    )
                )
            else:
                names = sorted({str(p.props["name"]) for ps in by_name.values() for p in ps})
                close = difflib.get_close_matches(row.manager_name, names, n=3)
                message = "no one in the file has this name"
                if close:
                    message += f"; similar names: {', '.join(close)}"
                row.problems.append(LoadProblem(origin, message, row.manager_name))
        if manager == row.person.id:  # HR systems often give the top of the tree as its own
            return None
        return manager

    def items(self) -> Iterator[Item]:
        self.collect_units()
        max_depth = max((len(u.path) for u in self.units.values() if u.path), default=0)
        by_name: dict[str, list[_Unit]] = defaultdict(list)
        for unit in self.units.values():
            by_name[_key(unit.name)].append(unit)
        people: dict[str, list[NodeRecord]] = defaultdict(list)
        for record in self.first.values():
            if isinstance(name := record.props.get("name"), str):
                people[_key(name)].append(record)
        emitted: set[str] = set()
        for index, row in enumerate(self.rows):
            unit_id = self.resolve_unit(index, row, by_name) if row.person else None
            manager = self.resolve_manager(row, people) if row.person else None
            yield from row.problems
            yield from self.unit_problems.get(index, [])
            if row.problems or row.person is None:
                continue
            for unit in self._units_of(row, unit_id):
                if unit.id not in emitted:
                    emitted.add(unit.id)
                    yield from self._unit_items(unit, max_depth)
            yield row.person
            person = ("Person", row.person.id)
            if unit_id is not None:
                column = self.m.unit_path or self.m.unit_id or self.m.unit
                assert column is not None
                yield RelRecord("MEMBER_OF", *person, "Team", unit_id, row.origin.at(column))
                if row.head:
                    assert self.m.is_head is not None
                    origin = row.origin.at(self.m.is_head)
                    yield RelRecord("LEADS", *person, "Team", unit_id, origin)
            if manager is not None:
                column = self.m.manager_id if row.manager_id is not None else self.m.manager_name
                assert column is not None
                origin = row.origin.at(column)
                yield RelRecord("REPORTS_TO", *person, "Person", manager, origin)

    def _units_of(self, row: _Row, unit_id: str | None) -> list[_Unit]:
        """The units a row names that the file defines, top down: every level of its path,
        or the unit it is a member of."""
        if row.path is not None:
            ids = [unit_id_for(row.path[:d]) for d in range(1, len(row.path) + 1)]
        else:
            ids = [unit_id] if unit_id is not None else []
        return [self.units[i] for i in ids if i in self.units]

    def _unit_items(self, unit: _Unit, max_depth: int) -> Iterator[Item]:
        props: dict[str, Any] = {"id": unit.id, "name": unit.name}
        if unit.path is not None and max_depth <= len(UNIT_KINDS):
            props["kind"] = UNIT_KINDS[len(unit.path) - 1]
        yield NodeRecord("Team", unit.id, props, unit.origin)
        if unit.parent is not None:
            yield RelRecord("PART_OF", "Team", unit.id, "Team", unit.parent, unit.origin)


def read_org_chart(path: Path, mapping: OrgMapping, schema: Schema) -> Iterator[Item]:
    """Nodes, relationships and problems of one HR export (CSV, XLSX or JSON) read with
    `mapping`. The file is read whole before anything is yielded: names are resolved
    among all its rows."""
    chart = _OrgChart(mapping, schema)
    header: Header | None = None
    unread = False
    for item in table_rows(path, KIND):
        if isinstance(item, LoadProblem):
            unread = True  # names cannot be resolved among the rows that were read
            yield item
            continue
        if isinstance(item, list):
            header = item if isinstance(item, Header) else Header(item, str(path))
            if not header:
                if header.located is None:
                    yield LoadProblem(
                        Origin(header.file, 1), "the file is empty; expected a header row"
                    )
                return  # else an empty JSON array: no one
            problems = list(chart.header_problems(header))
            yield from problems
            if problems:
                return
            continue
        assert header is not None
        line, cells = item
        chart.add_row(line, header.file, cells)
    if unread:
        for row in chart.rows:
            yield from row.problems
        return
    yield from chart.items()
