"""Table sources in XLSX and JSON as well as CSV: the same rows give the same graph, values
read as a CSV cell would hold them, and broken files are refused with one clear problem
that says where, leaving the graph exactly as it was."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from loaders.export import dump, export_json
from loaders.pipeline import DEMO_DIR, Source, load
from loaders.records import LoadFailed, LoadProblem, Origin
from loaders.tables import TABLES, Header, cell_text, json_rows, table_rows, xlsx_rows
from queries.falkor import FalkorStore
from queries.store import GraphStore

DATE_COLUMNS = {"verified_at", "since", "date"}


def demo_rows(kind: str) -> list[dict[str, str]]:
    with (DEMO_DIR / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def typed(column: str, text: str) -> Any:
    """A CSV cell as a spreadsheet would type it: dates, numbers, empty cells."""
    if text == "":
        return None
    if column in DATE_COLUMNS:
        day = dt.date.fromisoformat(text)
        # a date-time at midnight reads as the date alone
        return dt.datetime.combine(day, dt.time()) if column == "since" else day
    if column == "score":
        return float(text) if "." in text else int(text)
    return text


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def demo_as_xlsx(kind: str, path: Path) -> Path:
    rows = demo_rows(kind)
    columns = list(rows[0])
    data = [columns, *([typed(c, row[c]) for c in columns] for row in rows)]
    if kind == "teams":  # a sheet named like the kind wins over the first sheet
        return write_xlsx(path, {"About": [["exported by HR"]], "Teams": data})
    return write_xlsx(path, {"Export": data})


def demo_as_json(kind: str, path: Path) -> Path:
    spec = TABLES[kind]
    objects = []
    for row in demo_rows(kind):
        obj: dict[str, Any] = {}
        for column, text in row.items():
            link = spec.links.get(column)
            if link is not None and link.many:
                if text:
                    obj[column] = text.split(";")
            elif text != "":
                obj[column] = typed(column, text) if column == "score" else text
            elif column == "title":
                obj[column] = None  # null is an empty cell
        objects.append(obj)
    data: Any = {kind: objects} if kind in ("teams", "feedback") else objects
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


async def graph_content(store: GraphStore) -> list[dict[str, Any]]:
    """The dump without what differs between loads of the same data: which file and run."""
    items = []
    async for item in dump(store):
        if item.get("label") == "LoadRun":
            continue
        item["props"] = {k: v for k, v in item["props"].items() if k not in ("source", "loadRun")}
        items.append(item)
    return items


# --- value conversion -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("Billing", "Billing"),
        (1001, "1001"),
        (3.0, "3"),
        (4.1, "4.1"),
        (-2.0, "-2"),
        (True, "true"),
        (False, "false"),
        (dt.date(2026, 9, 14), "2026-09-14"),
        (dt.datetime(2026, 9, 14), "2026-09-14"),
        (dt.datetime(2026, 9, 14, 10, 30), "2026-09-14T10:30:00"),
        (dt.time(8, 15), "08:15:00"),
    ],
)
def test_cells_read_as_a_csv_file_would_hold_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_a_workbook_streams_rows_with_their_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "units.xlsx",
        {
            "First": [["ignored"]],
            "Teams": [
                [],
                ["id", "name", "verified_at", "kind"],
                ["t-1", "One", dt.date(2026, 9, 14), None],
                [],
                ["t-2", None, dt.datetime(2026, 1, 2), "team", "extra"],
                [None, None, None, None],
            ],
        },
    )
    items = list(xlsx_rows(path, "teams"))
    header = items[0]
    assert isinstance(header, Header)
    assert header == ["id", "name", "verified_at", "kind"]
    assert (header.file, header.line) == (f"{path}[Teams]", 2)
    assert items[1:] == [
        (3, {"id": "t-1", "name": "One", "verified_at": "2026-09-14", "kind": ""}),
        (
            5,
            {
                "id": "t-2",
                "name": "",
                "verified_at": "2026-01-02",
                "kind": "team",
                "\0extra": "extra",
            },
        ),
    ]
    first, *_ = list(xlsx_rows(path, "people"))
    assert isinstance(first, Header)
    assert (first, first.file) == (["ignored"], f"{path}[First]")


def test_json_rows_are_objects_located_by_pointer(tmp_path: Path) -> None:
    path = tmp_path / "systems.json"
    path.write_text(
        json.dumps(
            {
                "systems": [
                    {"id": "s-1", "name": "CRM", "depends_on": ["s-2", "s-3"]},
                    {"id": "s-2", "name": "DB", "criticality": None, "n": 2.0},
                ]
            }
        ),
        encoding="utf-8",
    )
    items = list(json_rows(path, "systems"))
    header = items[0]
    assert isinstance(header, Header)
    assert header == ["id", "name", "depends_on", "criticality", "n"]
    assert header.located == {
        "id": "/systems/0",
        "name": "/systems/0",
        "depends_on": "/systems/0",
        "criticality": "/systems/1",
        "n": "/systems/1",
    }
    assert items[1:] == [
        ("/systems/0", {"id": "s-1", "name": "CRM", "depends_on": "s-2;s-3"}),
        ("/systems/1", {"id": "s-2", "name": "DB", "criticality": "", "n": "2"}),
    ]


def test_the_suffix_chooses_the_reader(tmp_path: Path) -> None:
    csv_path = tmp_path / "Teams.CSV"
    csv_path.write_text("id,name\nt-1,One\n", encoding="utf-8")
    items = list(table_rows(csv_path, "teams"))
    assert items == [["id", "name"], (2, {"id": "t-1", "name": "One"})]
    assert isinstance(items[0], Header)
    assert items[0].file == str(csv_path)


# --- the demo company in every format ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
async def test_the_demo_tables_give_the_same_graph_in_every_format(
    fmt: str, tmp_path: Path, empty_store: FalkorStore, demo_store: GraphStore
) -> None:
    convert = demo_as_xlsx if fmt == "xlsx" else demo_as_json
    sources = [Source(kind, convert(kind, tmp_path / f"{kind}.{fmt}")) for kind in TABLES]
    sources += [Source("journeys", p) for p in sorted((DEMO_DIR / "journeys").glob("*.yaml"))]
    order = ["teams", "people", "systems", "journeys", "processes", "customers", "feedback"]
    sources.sort(key=lambda s: order.index(s.kind))
    report = await load(empty_store, sources)
    assert report.changed
    assert await graph_content(empty_store) == await graph_content(demo_store)
    again = await load(empty_store, sources)
    assert again.changed is False


# --- broken files -----------------------------------------------------------------------

Case = Callable[[Path], tuple[Source, Origin, str]]
"""Writes a broken file; gives its source, where the problem is and part of its message."""


def garbage_xlsx(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.xlsx"
    path.write_bytes(bytes(range(256)) * 4)
    return Source("teams", path), Origin(str(path), "?"), "not an XLSX workbook"


def old_xls(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    return Source("teams", path), Origin(str(path), "?"), "old-style .xls"


def zip_not_workbook(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "systems.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return Source("systems", path), Origin(str(path), "?"), "not a readable XLSX workbook"


def xlsx_bad_enum(tmp: Path) -> tuple[Source, Origin, str]:
    path = write_xlsx(
        tmp / "teams.xlsx",
        {"teams": [["id", "name", "kind"], ["t-a", "A", "team"], ["t-b", "B", "squad"]]},
    )
    return Source("teams", path), Origin(f"{path}[teams]", 3, "kind"), "expected one of"


def xlsx_error_cell(tmp: Path) -> tuple[Source, Origin, str]:
    path = write_xlsx(
        tmp / "systems.xlsx",
        {"Export": [["id", "name", "owner"], ["sys-x", "X", "#REF!"]]},
    )
    return Source("systems", path), Origin(f"{path}[Export]", 2, "owner"), "spreadsheet error"


def xlsx_unknown_column(tmp: Path) -> tuple[Source, Origin, str]:
    sheet = [[], ["id", "name", "colour"], ["t-a", "A", "red"]]
    path = write_xlsx(tmp / "teams.xlsx", {"Export": sheet})
    return Source("teams", path), Origin(f"{path}[Export]", 2), "unknown column(s) colour"


def xlsx_empty_sheet(tmp: Path) -> tuple[Source, Origin, str]:
    path = write_xlsx(tmp / "teams.xlsx", {"Export": []})
    return Source("teams", path), Origin(f"{path}[Export]", 1), "the file is empty"


def invalid_json(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text('[\n  {"id": "t-a", "name": "A"},\n  {"id": "t-b" "name": "B"}\n]\n')
    return Source("teams", path), Origin(str(path), 3), "not valid JSON: Expecting ','"


def json_not_an_array(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text('\n{"units": [{"id": "t-a", "name": "A"}]}\n')
    message = 'expected a JSON array of objects or {"teams": [...]}, got an object with the keys'
    return Source("teams", path), Origin(str(path), 2), message


def json_row_not_an_object(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text(json.dumps([{"id": "t-a", "name": "A"}, "t-b"]))
    return Source("teams", path), Origin(str(path), "/1"), "expected an object"


def json_nested_value(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text(json.dumps({"teams": [{"id": "t-a", "name": {"en": "A"}}]}))
    return Source("teams", path), Origin(str(path), "/teams/0", "name"), "got an object"


def json_unknown_key(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text(json.dumps([{"id": "t-a", "name": "A"}, {"id": "t-b", "nmae": "B"}]))
    return Source("teams", path), Origin(str(path), "/1", "nmae"), "unknown key"


def json_missing_value(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text(json.dumps([{"id": "t-a", "name": "A"}, {"id": "t-b", "name": " "}]))
    return Source("teams", path), Origin(str(path), "/1", "name"), "a value is required"


def json_bad_date(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_text(json.dumps([{"id": "t-a", "name": "A", "verified_at": "14/09/2026"}]))
    return Source("teams", path), Origin(str(path), "/0", "verified_at"), "expected a date"


def json_not_utf8(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.json"
    path.write_bytes('[\n{"id": "t-a", "name": "Vertrieb Süd"}\n]'.encode("latin-1"))
    return Source("teams", path), Origin(str(path), 2), "not UTF-8 text"


def json_feedback_about_both(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "feedback.json"
    row = {"id": "fb-1", "touchpoint": "tp-a", "channel": "ch-web", "date": "2026-01-01"}
    path.write_text(json.dumps({"feedback": [{**row, "kind": "survey"}]}))
    message = "expected exactly one of touchpoint or channel, not both (touchpoint is 'tp-a')"
    return Source("feedback", path), Origin(str(path), "/feedback/0", "channel"), message


def xlsx_feedback_about_neither(tmp: Path) -> tuple[Source, Origin, str]:
    sheet: list[list[Any]] = [
        ["id", "touchpoint", "channel", "date", "kind"],
        ["fb-1", None, None, dt.date(2026, 1, 1), "survey"],
    ]
    path = write_xlsx(tmp / "feedback.xlsx", {"Feedback": sheet})
    message = "expected exactly one of touchpoint or channel, got neither"
    return Source("feedback", path), Origin(f"{path}[Feedback]", 2, "touchpoint"), message


def unsupported_suffix(tmp: Path) -> tuple[Source, Origin, str]:
    path = tmp / "teams.txt"
    path.write_text("id,name\nt-a,A\n")
    return Source("teams", path), Origin(str(path), "?"), "unsupported file type '.txt'"


CASES: list[Case] = [
    garbage_xlsx,
    old_xls,
    zip_not_workbook,
    xlsx_bad_enum,
    xlsx_error_cell,
    xlsx_unknown_column,
    xlsx_empty_sheet,
    invalid_json,
    json_not_an_array,
    json_row_not_an_object,
    json_nested_value,
    json_unknown_key,
    json_missing_value,
    json_bad_date,
    json_not_utf8,
    json_feedback_about_both,
    xlsx_feedback_about_neither,
    unsupported_suffix,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
async def test_a_broken_table_is_refused_and_changes_nothing(
    case: Case, tmp_path: Path, empty_store: FalkorStore
) -> None:
    good = [Source(kind, DEMO_DIR / f"{kind}.csv") for kind in ("teams", "people", "systems")]
    await load(empty_store, good)
    before = tmp_path / "before.jsonl"
    after = tmp_path / "after.jsonl"
    await export_json(empty_store, before)
    source, origin, message = case(tmp_path)

    with pytest.raises(LoadFailed) as failed:
        await load(empty_store, [source], prune=True)

    problems = failed.value.problems
    assert len(problems) == 1, problems
    assert isinstance(problems[0], LoadProblem)
    assert problems[0].origin == origin
    assert message in problems[0].message
    await export_json(empty_store, after)
    assert after.read_bytes() == before.read_bytes()
