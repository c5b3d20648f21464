"""Table sources: org chart, systems, processes, customers and feedback (docs/formats.md).

Each kind of table is described by a `TableSpec`: which column fills which property of its
node and which column names the other end of a relationship. One reader serves them all.
A table is a CSV file, an XLSX workbook or a JSON array of objects: `table_rows` reads any
of them as the same stream of a header and rows of text cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils import get_column_letter

from loaders.records import Item, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import Schema
from ontology.values import BadValue, any_text, coerce


@dataclass(frozen=True)
class Link:
    """A column holding ids of nodes at the other end of a relationship."""

    type: str
    other: str
    """Label of the node at the other end."""
    incoming: bool = False
    """True when the other node is the source (`owner` → `Team-OWNS->this`)."""
    many: bool = False
    """True when the cell may hold several `;`-separated ids."""


@dataclass(frozen=True)
class TableSpec:
    """How the columns of one kind of table map to the ontology."""

    kind: str
    label: str
    properties: Mapping[str, str]
    links: Mapping[str, Link] = field(default_factory=dict)
    finish: Callable[[list[NodeRecord], list[RelRecord]], Iterator[Item]] | None = None
    """Derives relationships that need the whole table (e.g. process parents from codes)."""

    def required_columns(self, schema: Schema) -> set[str]:
        """Columns that must be present: required properties and required relationships."""
        node_type = schema.node_types[self.label]
        required = {col for col, prop in self.properties.items() if prop in node_type.required}
        for col, link in self.links.items():
            if not link.incoming:
                rel = schema.relationship_types[link.type]
                if any(e.source == self.label and e.min_count > 0 for e in rel.endpoints):
                    required.add(col)
        return required

    def exclusive_columns(self, schema: Schema) -> tuple[tuple[str, ...], ...]:
        """Groups of link columns of which each row fills exactly one, from the `sh:xone`
        groups of the label (`touchpoint` or `channel` of a feedback row)."""
        groups = []
        for types in schema.node_types[self.label].exactly_one:
            columns = tuple(
                col
                for rel_type in types
                for col, link in self.links.items()
                if link.type == rel_type and not link.incoming
            )
            if columns:
                groups.append(columns)
        return tuple(groups)


def _process_parents(nodes: list[NodeRecord], rels: list[RelRecord]) -> Iterator[Item]:
    """For each process without a `parent`: the process whose code is its code's parent."""
    by_code = {n.props["code"]: n for n in nodes if "code" in n.props}
    has_parent = {r.source_id for r in rels if r.type == "PART_OF"}
    for node in nodes:
        code = node.props.get("code")
        if code is None or node.id in has_parent:
            continue
        parts = code.split(".")
        if len(parts) == 1 or (len(parts) == 2 and parts[1] == "0"):
            continue
        parent_code = f"{parts[0]}.0" if len(parts) == 2 else ".".join(parts[:-1])
        parent = by_code.get(parent_code)
        if parent is None:
            yield LoadProblem(
                node.origin.at("code"), f"no process has the parent code {parent_code}", code
            )
            continue
        yield RelRecord("PART_OF", "Process", node.id, "Process", parent.id, node.origin.at("code"))


TEAMS = TableSpec(
    "teams",
    "Team",
    {
        "id": "id",
        "name": "name",
        "kind": "kind",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {"parent": Link("PART_OF", "Team")},
)
PEOPLE = TableSpec(
    "people",
    "Person",
    {"id": "id", "name": "name", "title": "title", "email": "email"},
    {
        "unit": Link("MEMBER_OF", "Team"),
        "manager": Link("REPORTS_TO", "Person"),
        "leads": Link("LEADS", "Team", many=True),
    },
)
SYSTEMS = TableSpec(
    "systems",
    "System",
    {
        "id": "id",
        "name": "name",
        "kind": "kind",
        "criticality": "criticality",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {
        "owner": Link("OWNS", "Team", incoming=True),
        "depends_on": Link("DEPENDS_ON", "System", many=True),
    },
)
PROCESSES = TableSpec(
    "processes",
    "Process",
    {
        "id": "id",
        "code": "code",
        "name": "name",
        "layer": "layer",
        "description": "description",
        "verified_at": "verifiedAt",
    },
    {
        "parent": Link("PART_OF", "Process"),
        "owner": Link("OWNS", "Team", incoming=True),
        "performers": Link("PERFORMS", "Team", incoming=True, many=True),
        "systems": Link("USES", "System", many=True),
        "hands_off_to": Link("HANDS_OFF_TO", "Process", many=True),
        "touchpoints": Link("SUPPORTS", "Touchpoint", many=True),
    },
    finish=_process_parents,
)
CUSTOMERS = TableSpec(
    "customers",
    "Customer",
    {"id": "id", "name": "name", "email": "email", "since": "since"},
    {
        "segment": Link("IN_SEGMENT", "Segment"),
        "personas": Link("HAS_PERSONA", "Persona", many=True),
    },
)
FEEDBACK = TableSpec(
    "feedback",
    "Feedback",
    {
        "id": "id",
        "date": "date",
        "kind": "kind",
        "metric": "metric",
        "score": "score",
        "category": "category",
        "text": "text",
    },
    {
        "customer": Link("GIVEN_BY", "Customer"),
        "touchpoint": Link("ABOUT", "Touchpoint"),
        "channel": Link("VIA", "Channel"),
    },
)

TABLES: dict[str, TableSpec] = {
    spec.kind: spec for spec in (TEAMS, PEOPLE, SYSTEMS, PROCESSES, CUSTOMERS, FEEDBACK)
}


Row = dict[str, str | None]
"""A row of a table by column; None for a cell that a short row lacks."""
_EXTRA = "\0extra"
"""Key of a row's cells beyond its header, when it has any."""


class Header(list[str]):
    """The column names of a table, with where they were read.

    `file` names the source in problems (the path; `book.xlsx[Sheet]` for a workbook) and
    `line` is the header's row. For JSON, where each object has its own keys, `located`
    gives the first object holding each key; columns are then not required to be present
    in every row (a missing key is an empty cell).
    """

    def __init__(
        self,
        columns: Iterable[str],
        file: str,
        line: int | str = 1,
        located: Mapping[str, int | str] | None = None,
    ) -> None:
        super().__init__(columns)
        self.file = file
        self.line = line
        self.located = located


RowItem = list[str] | tuple[int | str, Row] | LoadProblem
"""What a row source yields: the header first, then (line, row) pairs; or problems.
A source ends by itself after a problem that stops it from reading on."""

SUFFIXES = (".csv", ".xlsx", ".json")
"""The file types a table may be given in."""


def table_rows(path: Path, kind: str | None = None) -> Iterator[RowItem]:
    """The rows of a table file of any supported type, chosen by its suffix; `kind` picks
    the sheet of a workbook and the key of a JSON object (see `xlsx_rows`, `json_rows`)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for item in csv_rows(path):
            yield Header(item, str(path)) if type(item) is list else item
    elif suffix == ".xlsx":
        yield from xlsx_rows(path, kind)
    elif suffix == ".json":
        yield from json_rows(path, kind)
    else:
        yield LoadProblem(
            Origin(str(path), "?"),
            f"unsupported file type {path.suffix or '(no suffix)'!r}; a table is read from "
            f"{', '.join(SUFFIXES[:-1])} or {SUFFIXES[-1]} files",
        )


def csv_rows(path: Path) -> Iterator[list[str] | tuple[int, Row] | LoadProblem]:
    """The header (a list), then (line, row) pairs, streamed; or a problem if unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            if "\0" in sample:
                yield LoadProblem(
                    Origin(str(path), 1),
                    "this is a binary file (it holds NUL bytes), not a CSV text file",
                )
                return
            reader = csv.reader(handle)
            header = next(reader, [])
            if len(header) == 1 and (delimiter := _other_delimiter(sample)) is not None:
                yield LoadProblem(
                    Origin(str(path), 1),
                    f"the header has one column but the file looks {delimiter!r}-separated; "
                    "cxgraph reads comma-separated files",
                    header[0],
                )
                return
            yield header
            width = len(header)
            line = reader.line_num
            for cells in reader:
                if cells:  # a blank line is no row
                    row: Row = dict(zip(header, cells, strict=False))
                    if len(cells) > width:
                        row[_EXTRA] = str(len(cells) - width)
                    elif len(cells) < width:  # the cells a short row lacks are no values
                        row.update(dict.fromkeys(header[len(cells) :]))
                    yield line + 1, row
                line = reader.line_num
    except UnicodeDecodeError as exc:
        yield LoadProblem(
            Origin(str(path), _line_of_byte(path, exc.start)),
            f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
        )
    except csv.Error as exc:
        yield LoadProblem(Origin(str(path), "?"), f"not a readable CSV file: {exc}")


def _other_delimiter(sample: str) -> str | None:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 and "," not in first else None


def _line_of_byte(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return handle.read(offset).count(b"\n") + 1


def cell_text(value: object) -> str:
    """A spreadsheet or JSON value as the text a CSV file would hold: None is empty,
    whole numbers have no `.0`, dates (and midnight date-times) are ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def xlsx_rows(path: Path, kind: str | None = None) -> Iterator[RowItem]:
    """The header and rows of one sheet of a workbook, streamed (read-only mode): the sheet
    named like `kind` (ignoring case), else the first. The header is the first non-empty
    row; lines are the spreadsheet's row numbers; empty rows are skipped. Formulas give
    their last computed value."""
    whole = Origin(str(path), "?")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_OLE_MAGIC))
    except OSError as exc:
        yield LoadProblem(whole, f"cannot read the file: {exc.strerror or exc}")
        return
    if magic.startswith(_OLE_MAGIC):
        yield LoadProblem(
            whole,
            "an old-style .xls or a password-protected workbook; save it as an "
            "unprotected .xlsx workbook",
        )
        return
    if not magic.startswith(_ZIP_MAGIC):
        what = "it is empty" if not magic else "an .xlsx file is a zip archive and this is not"
        yield LoadProblem(whole, f"not an XLSX workbook: {what}")
        return
    try:
        with warnings.catch_warnings():  # features openpyxl drops (styles, validation)
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged archive fails in many ways, none of them ours
        yield LoadProblem(whole, f"not a readable XLSX workbook: {_reason(exc)}")
        return
    try:
        sheets = book.worksheets
        if not sheets:
            yield LoadProblem(whole, "the workbook has no worksheet")
            return
        wanted = [s for s in sheets if kind is not None and s.title.casefold() == kind.casefold()]
        sheet = (wanted or sheets)[0]
        yield from _sheet_rows(f"{path}[{sheet.title}]", sheet.iter_rows(min_row=1))
    finally:
        book.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _sheet_rows(name: str, rows: Iterator[tuple[Any, ...]]) -> Iterator[RowItem]:
    header: Header | None = None
    number = 0
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cells = next(rows, None)
        except Exception as exc:  # damaged sheet XML
            yield LoadProblem(Origin(name, number + 1), f"the sheet cannot be read: {_reason(exc)}")
            return
        if cells is None:
            break
        number += 1
        texts = [cell_text(cell.value) for cell in cells]
        while texts and texts[-1] == "":
            texts.pop()
        if not texts:
            continue
        columns = header if header is not None else texts
        errors = [
            (i, cell.value)
            for i, cell in enumerate(cells)
            if isinstance(cell, ReadOnlyCell) and cell.data_type == "e"
        ]
        if errors:
            i, value = errors[0]
            column = columns[i] if i < len(columns) else get_column_letter(i + 1)
            yield LoadProblem(
                Origin(name, number, column), "the cell holds a spreadsheet error", value
            )
            if header is None:
                return
            continue
        if header is None:
            if problem := _header_problem(name, number, texts):
                yield problem
                return
            header = Header(texts, name, number)
            yield header
            continue
        row: Row = {column: texts[i] if i < len(texts) else "" for i, column in enumerate(header)}
        if len(texts) > len(header):
            row[_EXTRA] = ";".join(texts[len(header) :])
        yield number, row
    if header is None:
        yield Header([], name)


def _header_problem(name: str, number: int, texts: list[str]) -> LoadProblem | None:
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        if text == "":
            return LoadProblem(
                Origin(name, number), f"column {get_column_letter(i + 1)} of the header is empty"
            )
        if text in seen:
            return LoadProblem(
                Origin(name, number),
                f"the column {text!r} appears twice in the header (columns "
                f"{get_column_letter(seen[text] + 1)} and {get_column_letter(i + 1)})",
            )
        seen[text] = i
    return None


def json_rows(path: Path, kind: str | None = None) -> Iterator[RowItem]:
    """The rows of a JSON array of objects, or of `{"<kind>": [...]}`: each object is a row
    and its keys are the columns. Lines are JSON pointers (`/12`, `/people/12`); values
    become text as in a CSV cell, and a list of values becomes a `;`-separated cell."""
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield LoadProblem(
            Origin(name, _line_of_byte(path, exc.start)),
            f"not UTF-8 text: byte {exc.start} cannot be decoded; save the file as UTF-8",
        )
        return
    except OSError as exc:
        yield LoadProblem(Origin(name, "?"), f"cannot read the file: {exc.strerror or exc}")
        return
    if not text.strip():
        yield LoadProblem(Origin(name, 1), "the file is empty; expected a JSON array of objects")
        return
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        yield LoadProblem(
            Origin(name, exc.lineno), f"not valid JSON: {exc.msg} (column {exc.colno})"
        )
        return
    except (ValueError, RecursionError) as exc:
        yield LoadProblem(Origin(name, "?"), f"not valid JSON: {exc}")
        return
    start = len(text) - len(text.lstrip())
    first_line = text[:start].count("\n") + 1
    expected = "a JSON array of objects" + (f' or {{"{kind}": [...]}}' if kind else "")
    base = ""
    if isinstance(data, dict) and kind is not None and kind in data:
        if others := sorted(k for k in data if k != kind):
            yield LoadProblem(
                Origin(name, first_line),
                f"unexpected top-level key(s) {', '.join(others)}; expected {expected}",
            )
            return
        data, base = data[kind], f"/{_pointer_token(kind)}"
        if not isinstance(data, list):
            yield LoadProblem(Origin(name, base), f"expected {expected}, got {_json_type(data)}")
            return
    elif not isinstance(data, list):
        got = _json_type(data)
        if isinstance(data, dict):
            got += f" with the keys {', '.join(sorted(data)) or '(none)'}"
        yield LoadProblem(Origin(name, first_line), f"expected {expected}, got {got}")
        return
    located: dict[str, int | str] = {}
    for index, obj in enumerate(data):
        if isinstance(obj, dict):
            for key in obj:
                located.setdefault(key, f"{base}/{index}")
    yield Header(located, name, base or first_line, located)
    for index, obj in enumerate(data):
        pointer = f"{base}/{index}"
        if not isinstance(obj, dict):
            yield LoadProblem(
                Origin(name, pointer), f"expected an object (one row), got {_json_type(obj)}"
            )
            continue
        row: Row = {}
        bad = False
        for key, value in obj.items():
            cell = _json_cell(value)
            if cell is None:
                yield LoadProblem(
                    Origin(name, pointer, key),
                    f"expected a value or a list of values, got {_json_type(value)}",
                )
                bad = True
            else:
                row[key] = cell
        if not bad:
            yield pointer, row


def _no_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _json_cell(value: object) -> str | None:
    """The cell text of a JSON value; None when it is no value (an object, a nested list)."""
    if isinstance(value, dict):
        return None
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return None
        return ";".join(cell_text(v) for v in value if v is not None)
    return cell_text(value)


def read_table(path: Path, spec: TableSpec, schema: Schema) -> Iterator[Item]:
    """Nodes, relationships and problems of one table file (CSV, XLSX or JSON, by its
    suffix), streamed row by row (tables with a `finish` step are buffered, since it needs
    the whole table)."""
    items = _read_rows(str(path), table_rows(path, spec.kind), spec, schema)
    if spec.finish is None:
        yield from items
        return
    nodes: list[NodeRecord] = []
    rels: list[RelRecord] = []
    failed = False
    for item in items:
        if isinstance(item, NodeRecord):
            nodes.append(item)
        elif isinstance(item, RelRecord):
            rels.append(item)
        else:
            failed = True
        yield item
    if not failed:
        yield from spec.finish(nodes, rels)


def _read_rows(
    name: str,
    rows: Iterable[RowItem],
    spec: TableSpec,
    schema: Schema,
) -> Iterator[Item]:
    node_type = schema.node_types[spec.label]
    required_columns = spec.required_columns(schema)
    exclusive = spec.exclusive_columns(schema)
    # each property's column, whether it is required, and its shape unless any text fits
    cells = [
        (column, prop, prop in node_type.required, None if any_text(shape) else shape)
        for column, prop in spec.properties.items()
        for shape in (node_type.properties[prop],)
    ]
    for item in rows:
        if isinstance(item, LoadProblem):
            yield item
            continue
        if isinstance(item, list):
            if isinstance(item, Header):
                name = item.file
                if item.located is not None:  # JSON: each row has its own keys
                    problems = list(_check_keys(item, spec))
                    yield from problems
                    if problems:
                        return
                    continue
            if not item:
                yield LoadProblem(Origin(name, 1), "the file is empty; expected a header row")
                return
            line = item.line if isinstance(item, Header) else 1
            problems = list(_check_header(name, item, spec, required_columns, exclusive, line))
            yield from problems
            if problems:
                return
            continue
        line, row = item
        origin = Origin(name, line)
        if row.get(_EXTRA):
            yield LoadProblem(origin, "more cells than columns in the header")
            continue
        props: dict[str, object] = {}
        cleared: list[str] = []
        for column, prop, required, checked in cells:
            raw = row.get(column)
            text = "" if raw is None else raw.strip()
            if not text:
                if required:
                    yield LoadProblem(origin.at(column), "a value is required")
                elif raw is not None:  # the column is there, and empty
                    cleared.append(prop)
            elif checked is None:
                props[prop] = text
            else:
                try:
                    props[prop] = coerce(text, checked)
                except BadValue as exc:
                    yield LoadProblem(origin.at(column), str(exc), raw)
        node_id = props.get("id")
        if not isinstance(node_id, str):
            continue
        yield NodeRecord(spec.label, node_id, props, origin, tuple(cleared))
        refused: set[str] = set()  # links given both ways are not links at all
        for columns in exclusive:
            if problem := _exactly_one(origin, row, columns):
                yield problem
                refused.update(columns)
        for column, link in spec.links.items():
            if column in refused:
                continue
            ids = _ids(row.get(column) or "", link.many)
            if not ids and column in required_columns:
                yield LoadProblem(origin.at(column), "a value is required")
            for other in ids:
                ends = (
                    (link.other, other, spec.label, node_id)
                    if link.incoming
                    else (spec.label, node_id, link.other, other)
                )
                yield RelRecord(link.type, *ends, origin.at(column))


def _exactly_one(origin: Origin, row: Row, columns: tuple[str, ...]) -> LoadProblem | None:
    """A problem when a row fills none or several of `columns`: at the first of them the
    file has when none, else at the second one filled, with its value."""
    filled = [col for col in columns if (row.get(col) or "").strip()]
    if len(filled) == 1:
        return None
    expected = f"expected exactly one of {' or '.join(columns)}"
    if not filled:
        where = next((col for col in columns if col in row), columns[0])
        return LoadProblem(origin.at(where), f"{expected}, got neither")
    cell = {col: (row[col] or "").strip() for col in filled}
    others = ", ".join(f"{col} is {cell[col]!r}" for col in filled if col != filled[1])
    return LoadProblem(origin.at(filled[1]), f"{expected}, not both ({others})", cell[filled[1]])


def _ids(cell: str, many: bool) -> list[str]:
    if many:
        return [part.strip() for part in cell.split(";") if part.strip()]
    return [cell.strip()] if cell.strip() else []


def _check_header(
    name: str,
    header: list[str],
    spec: TableSpec,
    required: set[str],
    exclusive: tuple[tuple[str, ...], ...] = (),
    line: int | str = 1,
) -> Iterator[LoadProblem]:
    known = set(spec.properties) | set(spec.links)
    if unknown := [c for c in header if c not in known]:
        yield LoadProblem(
            Origin(name, line),
            f"unknown column(s) {', '.join(unknown)}; the {spec.kind} columns are "
            f"{', '.join(sorted(known))}",
        )
    missing = sorted(required - set(header))
    missing += [" or ".join(group) for group in exclusive if not set(group) & set(header)]
    if missing:
        yield LoadProblem(Origin(name, line), f"missing required column(s) {', '.join(missing)}")


def _check_keys(header: Header, spec: TableSpec) -> Iterator[LoadProblem]:
    """Unknown keys of a JSON table, each where it first occurs (required ones are checked
    row by row: a missing key is an empty cell)."""
    assert header.located is not None
    known = set(spec.properties) | set(spec.links)
    for key in header:
        if key not in known:
            yield LoadProblem(
                Origin(header.file, header.located[key], key),
                f"unknown key; the {spec.kind} keys are {', '.join(sorted(known))}",
            )
