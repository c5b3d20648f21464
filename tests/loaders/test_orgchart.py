"""Org-chart sources (kind `org`): HR exports in CSV, XLSX and JSON, each with its own
columns and mapping, loaded into the real engine; re-loads, updated exports, and broken
exports refused at the row and column that is wrong, leaving the graph as it was."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from loaders.export import export_json
from loaders.orgchart import (
    DEFAULT_MAPPING,
    MappingError,
    OrgMapping,
    mapping_from_options,
    reader_for,
    unit_id_for,
)
from loaders.pipeline import READERS, Source, load
from loaders.records import LoadFailed, Origin
from queries.falkor import FalkorStore
from queries.generated import node_query, rel_query
from queries.store import GraphStore

# --- three companies, three layouts ----------------------------------------------------

CSV_MAPPING = OrgMapping(
    id="Employee ID",
    name="Full Name",
    title="Job Title",
    email="Work Email",
    unit_path="Org Path",
    path_separator=">",
    manager_id="Manager ID",
    is_head="Is Head",
)
CSV_HEADER = "Employee ID,Full Name,Job Title,Work Email,Org Path,Manager ID,Is Head,Salary Band"
CSV_EXPORT = f"""{CSV_HEADER}
e1,Ada Lind,Chief Executive,ada@kestrel.example,Kestrel,e1,yes,A
e2,Ben Okafor,VP Sales,ben@kestrel.example,Kestrel > Sales,e1,yes,B
e3,Cara Diaz,Team Lead,cara@kestrel.example,Kestrel > Sales > Inside Sales,e2,yes,C
e4,Dev Patel,Sales Rep,,Kestrel > Sales > Inside Sales,e3,no,D
e5,Eva Novak,Sales Rep,eva@kestrel.example,Kestrel > Sales > Inside Sales,e3,,D
e6,Finn Berg,Field Lead,finn@kestrel.example,Kestrel > Sales > Field Sales,e2,yes,C
e7,Gia Russo,Support Lead,gia@kestrel.example,Kestrel  >  Support,e1,true,B
"""
# a month later: Cara is promoted, Eva moves to Field Sales under Finn, Dev has left
CSV_EXPORT_LATER = f"""{CSV_HEADER}
e1,Ada Lind,Chief Executive,ada@kestrel.example,Kestrel,e1,yes,A
e2,Ben Okafor,VP Sales,ben@kestrel.example,Kestrel > Sales,e1,yes,B
e3,Cara Diaz,Sales Manager,cara@kestrel.example,Kestrel > Sales > Inside Sales,e2,yes,C
e5,Eva Novak,Sales Rep,eva@kestrel.example,Kestrel > Sales > Field Sales,e6,,D
e6,Finn Berg,Field Lead,finn@kestrel.example,Kestrel > Sales > Field Sales,e2,yes,C
e7,Gia Russo,Support Lead,gia@kestrel.example,Kestrel  >  Support,e1,true,B
"""
KESTREL = "team-kestrel"
SALES = "team-kestrel--sales"
INSIDE = "team-kestrel--sales--inside-sales"
FIELD = "team-kestrel--sales--field-sales"
SUPPORT = "team-kestrel--support"

XLSX_MAPPING = OrgMapping(
    id="Personnel No",
    name="Name",
    title="Position",
    email="E-mail",
    unit_id="Cost Center",
    unit="Cost Center Name",
    manager_name="Supervisor",
    is_head="Head?",
)
XLSX_HEADER = [
    "Personnel No",
    "Name",
    "Position",
    "E-mail",
    "Cost Center",
    "Cost Center Name",
    "Supervisor",
    "Head?",
    "Hire Date",
]
HIRED = dt.date(2019, 4, 1)
XLSX_ROWS: list[list[Any]] = [
    [1001, "Ingrid Halvorsen", "CEO", "ingrid@k.example", "CC-000", None, None, True, HIRED],
    [
        1002,
        "Tomás Herrera",
        "Billing Manager",
        "tomas@k.example",
        "CC-100",
        "Billing",
        "ingrid  HALVORSEN",
        True,
        HIRED,
    ],
    [1003, "Mei Chen", "Billing Analyst", None, "CC-100", None, "Tomás Herrera", False, None],
    [
        1004,
        "Noah Smith",
        "Network Engineer",
        "noah@k.example",
        None,
        "network ops",
        "Ingrid Halvorsen",
        None,
        HIRED,
    ],
    [
        1005,
        "Olu Adeyemi",
        "Network Lead",
        "olu@k.example",
        "CC-200",
        "Network Ops",
        "Ingrid Halvorsen",
        True,
        HIRED,
    ],
    [],
    [
        1006,
        "Priya Nair",
        "Analyst",
        "priya@k.example",
        "CC-200",
        "Network Ops",
        "Olu Adeyemi",
        False,
        dt.datetime(2024, 2, 1),
    ],
]
TEAMS_CSV = "id,name,kind\nCC-000,Head Office,division\n"

JSON_MAPPING = OrgMapping(
    id="login",
    name="displayName",
    title="jobTitle",
    unit_path="orgPath",
    unit="department",
    path_separator=";",
    manager_id="managerLogin",
    manager_name="managerName",
    is_head="isLead",
)
JSON_EXPORT: list[dict[str, Any]] = [
    {"login": "ceo", "displayName": "Kim Park", "orgPath": ["Kestrel"], "isLead": True},
    {
        "login": "cx-head",
        "displayName": "Lea Vogel",
        "jobTitle": "Head of CX",
        "orgPath": ["Kestrel", "Customer Care"],
        "managerLogin": "ceo",
        "isLead": True,
    },
    {
        "login": "chat-lead",
        "displayName": "Max Roy",
        "orgPath": ["Kestrel", "Customer Care", "Chat"],
        "managerName": "Lea Vogel",
        "isLead": True,
    },
    {
        "login": "agent-1",
        "displayName": "Nia Brown",
        "department": "Chat",
        "managerName": "max roy",
    },
    {
        "login": "agent-2",
        "displayName": "Oscar Lee",
        "department": "Customer Care",
        "managerLogin": "cx-head",
        "managerName": "Lea Vogel",
        "isLead": None,
    },
    {
        "login": "agent-3",
        "displayName": "Pia Wolf",
        "orgPath": ["Kestrel", "Customer Care", "Phone"],
        "managerLogin": "cx-head",
        "isLead": False,
        "costCentre": 4711,
    },
]


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] = XLSX_HEADER) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Workers"
    for row in [header, *rows]:
        sheet.append(row)
    book.create_sheet("Notes").append(["Exported from the HR system"])
    book.save(path)
    return path


def write_json(path: Path, rows: list[Any], key: str | None = "org") -> Path:
    data = {key: rows} if key else rows
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def use(monkeypatch: pytest.MonkeyPatch, mapping: OrgMapping) -> None:
    monkeypatch.setitem(READERS, "org", reader_for(mapping))


EDGES = {
    "MEMBER_OF": ("Person", "Team"),
    "REPORTS_TO": ("Person", "Person"),
    "PART_OF": ("Team", "Team"),
    "LEADS": ("Person", "Team"),
}


async def org_graph(store: GraphStore) -> dict[str, Any]:
    """Teams, people, relationship counts and the org relationships, read back."""
    teams = {
        row["node"]["id"]: (row["node"]["name"], row["node"].get("kind"))
        for row in await store.read(node_query("all", "Team"))
    }
    people = {
        row["node"]["id"]: {
            k: v for k, v in row["node"].items() if k not in ("id", "source", "loadRun")
        }
        for row in await store.read(node_query("all", "Person"))
    }
    counts = {
        (row["source"], row["type"], row["target"]): row["count"]
        for row in await store.read("graph/relationship_counts")
    }
    edges = {
        rel: sorted((r["from"], r["to"]) for r in await store.read(rel_query("all", s, rel, t)))
        for rel, (s, t) in EDGES.items()
    }
    return {"teams": teams, "people": people, "counts": counts, **edges}


def counts(member: int, reports: int, part: int, leads: int) -> dict[tuple[str, str, str], int]:
    found = {
        ("Person", "MEMBER_OF", "Team"): member,
        ("Person", "REPORTS_TO", "Person"): reports,
        ("Team", "PART_OF", "Team"): part,
        ("Person", "LEADS", "Team"): leads,
    }
    return {key: n for key, n in sorted(found.items()) if n}


CSV_GRAPH: dict[str, Any] = {
    "teams": {
        KESTREL: ("Kestrel", "division"),
        SALES: ("Sales", "department"),
        FIELD: ("Field Sales", "team"),
        INSIDE: ("Inside Sales", "team"),
        SUPPORT: ("Support", "department"),
    },
    "people": {
        "e1": {"name": "Ada Lind", "title": "Chief Executive", "email": "ada@kestrel.example"},
        "e2": {"name": "Ben Okafor", "title": "VP Sales", "email": "ben@kestrel.example"},
        "e3": {"name": "Cara Diaz", "title": "Team Lead", "email": "cara@kestrel.example"},
        "e4": {"name": "Dev Patel", "title": "Sales Rep"},
        "e5": {"name": "Eva Novak", "title": "Sales Rep", "email": "eva@kestrel.example"},
        "e6": {"name": "Finn Berg", "title": "Field Lead", "email": "finn@kestrel.example"},
        "e7": {"name": "Gia Russo", "title": "Support Lead", "email": "gia@kestrel.example"},
    },
    "counts": counts(member=7, reports=6, part=4, leads=5),
    "MEMBER_OF": [
        ("e1", KESTREL),
        ("e2", SALES),
        ("e3", INSIDE),
        ("e4", INSIDE),
        ("e5", INSIDE),
        ("e6", FIELD),
        ("e7", SUPPORT),
    ],
    "REPORTS_TO": [
        ("e2", "e1"),
        ("e3", "e2"),
        ("e4", "e3"),
        ("e5", "e3"),
        ("e6", "e2"),
        ("e7", "e1"),
    ],
    "PART_OF": sorted([(FIELD, SALES), (INSIDE, SALES), (SALES, KESTREL), (SUPPORT, KESTREL)]),
    "LEADS": [("e1", KESTREL), ("e2", SALES), ("e3", INSIDE), ("e6", FIELD), ("e7", SUPPORT)],
}


async def test_a_csv_export_with_unit_paths_and_manager_ids(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, CSV_MAPPING)
    path = write_text(tmp_path / "hr_export.csv", CSV_EXPORT)
    report = await load(empty_store, [Source("org", path)])
    assert report.nodes["Team"].created == 5
    assert report.nodes["Person"].created == 7
    assert await org_graph(empty_store) == CSV_GRAPH


async def test_an_xlsx_export_with_unit_ids_and_manager_names(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, XLSX_MAPPING)
    teams = write_text(tmp_path / "teams.csv", TEAMS_CSV)
    path = write_xlsx(tmp_path / "Workers.xlsx", XLSX_ROWS)
    await load(empty_store, [Source("teams", teams), Source("org", path)])
    assert await org_graph(empty_store) == {
        "teams": {
            "CC-000": ("Head Office", "division"),
            "CC-100": ("Billing", None),
            "CC-200": ("Network Ops", None),
        },
        "people": {
            "1001": {"name": "Ingrid Halvorsen", "title": "CEO", "email": "ingrid@k.example"},
            "1002": {
                "name": "Tomás Herrera",
                "title": "Billing Manager",
                "email": "tomas@k.example",
            },
            "1003": {"name": "Mei Chen", "title": "Billing Analyst"},
            "1004": {"name": "Noah Smith", "title": "Network Engineer", "email": "noah@k.example"},
            "1005": {"name": "Olu Adeyemi", "title": "Network Lead", "email": "olu@k.example"},
            "1006": {"name": "Priya Nair", "title": "Analyst", "email": "priya@k.example"},
        },
        "counts": counts(member=6, reports=5, part=0, leads=3),
        "MEMBER_OF": [
            ("1001", "CC-000"),
            ("1002", "CC-100"),
            ("1003", "CC-100"),
            ("1004", "CC-200"),
            ("1005", "CC-200"),
            ("1006", "CC-200"),
        ],
        "REPORTS_TO": [
            ("1002", "1001"),
            ("1003", "1002"),
            ("1004", "1001"),
            ("1005", "1001"),
            ("1006", "1005"),
        ],
        "PART_OF": [],
        "LEADS": [("1001", "CC-000"), ("1002", "CC-100"), ("1005", "CC-200")],
    }


async def test_a_json_export_with_path_lists_unit_names_and_both_manager_columns(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, JSON_MAPPING)
    path = write_json(tmp_path / "directory.json", JSON_EXPORT)
    await load(empty_store, [Source("org", path)])
    care = "team-kestrel--customer-care"
    chat = f"{care}--chat"
    phone = f"{care}--phone"
    assert await org_graph(empty_store) == {
        "teams": {
            KESTREL: ("Kestrel", "division"),
            care: ("Customer Care", "department"),
            chat: ("Chat", "team"),
            phone: ("Phone", "team"),
        },
        "people": {
            "ceo": {"name": "Kim Park"},
            "cx-head": {"name": "Lea Vogel", "title": "Head of CX"},
            "chat-lead": {"name": "Max Roy"},
            "agent-1": {"name": "Nia Brown"},
            "agent-2": {"name": "Oscar Lee"},
            "agent-3": {"name": "Pia Wolf"},
        },
        "counts": counts(member=6, reports=5, part=3, leads=3),
        "MEMBER_OF": [
            ("agent-1", chat),
            ("agent-2", care),
            ("agent-3", phone),
            ("ceo", KESTREL),
            ("chat-lead", chat),
            ("cx-head", care),
        ],
        "REPORTS_TO": [
            ("agent-1", "chat-lead"),
            ("agent-2", "cx-head"),
            ("agent-3", "cx-head"),
            ("chat-lead", "cx-head"),
            ("cx-head", "ceo"),
        ],
        "PART_OF": [(care, KESTREL), (chat, care), (phone, care)],
        "LEADS": [("ceo", KESTREL), ("chat-lead", chat), ("cx-head", care)],
    }


async def test_the_default_mapping_reads_plain_columns(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, DEFAULT_MAPPING)
    path = write_text(
        tmp_path / "org.csv",
        "id,name,title,email,unit,manager,is_head\n"
        "p-1,Ann,CEO,,Company,,yes\n"
        "p-2,Bo,,bo@x.example,Company/Ops,p-1,no\n",
    )
    await load(empty_store, [Source("org", path)])
    graph = await org_graph(empty_store)
    assert graph["teams"] == {
        "team-company": ("Company", "division"),
        "team-company--ops": ("Ops", "department"),
    }
    assert graph["REPORTS_TO"] == [("p-2", "p-1")]
    assert graph["LEADS"] == [("p-1", "team-company")]


def test_unit_ids_are_derived_from_the_whole_path() -> None:
    assert unit_id_for(("Sales", "EMEA", "Inside Sales")) == "team-sales--emea--inside-sales"
    assert unit_id_for(("Vertrieb Süd",)) == "team-vertrieb-süd"
    assert unit_id_for(("Sales-EMEA",)) != unit_id_for(("Sales", "EMEA"))
    assert unit_id_for(("R&D",)) == "team-r-d"


# --- re-loads and later exports ---------------------------------------------------------


async def test_loading_the_same_export_again_changes_nothing(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, CSV_MAPPING)
    path = write_text(tmp_path / "hr_export.csv", CSV_EXPORT)
    await load(empty_store, [Source("org", path)])
    before = tmp_path / "before.jsonl"
    after = tmp_path / "after.jsonl"
    await export_json(empty_store, before)

    report = await load(empty_store, [Source("org", path)], prune=True)

    assert report.changed is False
    assert report.run_id is None
    assert report.nodes["Person"].unchanged == 7
    await export_json(empty_store, after)
    assert after.read_bytes() == before.read_bytes()


async def test_a_later_export_with_prune_moves_people_and_deletes_leavers(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, CSV_MAPPING)
    first = write_text(tmp_path / "march" / "hr_export.csv", CSV_EXPORT)
    later = write_text(tmp_path / "april" / "hr_export.csv", CSV_EXPORT_LATER)
    await load(empty_store, [Source("org", first)])

    report = await load(empty_store, [Source("org", later)], prune=True)

    assert report.nodes["Person"].updated == 1  # Cara's title
    assert report.nodes["Person"].deleted == 1  # Dev
    people = {k: v for k, v in CSV_GRAPH["people"].items() if k != "e4"}
    people["e3"] = {**people["e3"], "title": "Sales Manager"}
    assert await org_graph(empty_store) == {
        **CSV_GRAPH,
        "people": people,
        "counts": counts(member=6, reports=5, part=4, leads=5),
        "MEMBER_OF": [
            ("e1", KESTREL),
            ("e2", SALES),
            ("e3", INSIDE),
            ("e5", FIELD),
            ("e6", FIELD),
            ("e7", SUPPORT),
        ],
        "REPORTS_TO": [("e2", "e1"), ("e3", "e2"), ("e5", "e6"), ("e6", "e2"), ("e7", "e1")],
    }
    assert await empty_store.read(node_query("get", "Person"), {"ids": ["e4"]}) == []


async def test_a_later_export_without_prune_keeps_leavers(
    tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, CSV_MAPPING)
    first = write_text(tmp_path / "march" / "hr_export.csv", CSV_EXPORT)
    later = write_text(tmp_path / "april" / "hr_export.csv", CSV_EXPORT_LATER)
    await load(empty_store, [Source("org", first)])

    await load(empty_store, [Source("org", later)])

    graph = await org_graph(empty_store)
    assert "e4" in graph["people"]
    assert ("e5", "e6") in graph["REPORTS_TO"]  # one manager: the new one replaces the old
    assert ("e5", "e3") not in graph["REPORTS_TO"]


# --- the mapping ------------------------------------------------------------------------


def test_a_mapping_file_names_the_columns(tmp_path: Path) -> None:
    path = write_text(
        tmp_path / "mapping.yaml",
        "# Workday export\n"
        "id: Employee ID\n"
        "name: Full Name\n"
        "unit_path: Org Path\n"
        "path_separator: '>'\n"
        "manager_id: Manager ID\n",
    )
    mapping = OrgMapping.from_file(path)
    assert mapping == OrgMapping(
        id="Employee ID",
        name="Full Name",
        unit_path="Org Path",
        path_separator=">",
        manager_id="Manager ID",
    )
    assert mapping.columns() == {
        "id": "Employee ID",
        "name": "Full Name",
        "unit_path": "Org Path",
        "manager_id": "Manager ID",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id: Employee ID\nunit: Dept\nmanger_name: Boss\n",
            "unknown key(s) 'manger_name' (did you mean 'manager_name'?); the keys are id, name",
        ),
        ("id: 12\nunit: Dept\n", "id must be a column name (text), got 12"),
        ("unit_id: Cost Center\nunit_path: Path\n", "map unit_id or unit_path, not both"),
        ("id: Employee ID\n", "map at least one of unit, unit_id and unit_path"),
        ("unit: Dept\npath_separator: ''\n", "path_separator must be a non-empty text"),
        ("- id\n- name\n", "expected `field: column name` pairs"),
    ],
)
def test_a_bad_mapping_file_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = write_text(tmp_path / "mapping.yaml", text)
    with pytest.raises(MappingError) as error:
        OrgMapping.from_file(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_a_mapping_file_that_is_not_yaml_says_on_which_line(tmp_path: Path) -> None:
    path = write_text(tmp_path / "mapping.yaml", "id: Employee ID\nname: [Full Name\n")
    with pytest.raises(MappingError, match=r"mapping\.yaml:3: not valid YAML"):
        OrgMapping.from_file(path)


def test_mapping_options_are_checked_like_the_file() -> None:
    mapping = OrgMapping.from_dict({"unit": "Dept", "is_head": "Head?"}, "--map")
    assert (mapping.id, mapping.unit, mapping.is_head) == ("id", "Dept", "Head?")
    with pytest.raises(MappingError, match=r"^--map: unknown key"):
        OrgMapping.from_dict({"unit": "Dept", "leads": "Head?"}, "--map")


def test_command_line_columns_add_to_or_override_the_mapping_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "m.yaml", "id: Employee ID\nunit: Dept\nmanager_id: Boss\n")
    assert mapping_from_options(None) == DEFAULT_MAPPING
    assert mapping_from_options(path, ["email=Mail", "manager_id=", " name = Full Name "]) == (
        OrgMapping(id="Employee ID", name="Full Name", email="Mail", unit="Dept")
    )
    assert mapping_from_options(None, ["unit_path=Org"]) == OrgMapping(unit_path="Org")
    with pytest.raises(MappingError, match=r"expected FIELD=COLUMN"):
        mapping_from_options(path, ["email"])
    with pytest.raises(MappingError, match=r"^--column: map at least one of unit"):
        mapping_from_options(None, ["id=Employee ID"])


# --- broken exports ---------------------------------------------------------------------

Case = Callable[[Path], tuple[OrgMapping, Path, Origin, str]]
"""Writes a broken export; gives its mapping, where the problem is and part of its message."""


def csv_case(tmp: Path, text: str) -> Path:
    return write_text(tmp / "bad.csv", text)


def wrong_encoding(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = tmp / "bad.csv"
    text = CSV_EXPORT.replace("Ben Okafor", "Ben Müller")
    path.write_bytes(text.encode("latin-1"))
    return CSV_MAPPING, path, Origin(str(path), 3), "not UTF-8 text"


def semicolons(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace(",", ";"))
    return CSV_MAPPING, path, Origin(str(path), 1), "looks ';'-separated"


def missing_mapped_column(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace("Manager ID", "Manager"))
    message = "the mapping's manager_id column is not in the file; its columns are Employee ID"
    return CSV_MAPPING, path, Origin(str(path), 1, "Manager ID"), message


def empty_file(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, "")
    return CSV_MAPPING, path, Origin(str(path), 1), "the file is empty; expected a header row"


def duplicate_id(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace("e3,Cara", "e2,Cara"))
    message = f"duplicate Person id, first given at {path}:3"
    return CSV_MAPPING, path, Origin(str(path), 4, "Employee ID"), message


def bad_id(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace("e6,Finn", "e 6,Finn"))
    return CSV_MAPPING, path, Origin(str(path), 7, "Employee ID"), "expected text matching"


def bad_head_flag(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace(",e3,no,", ",e3,maybe,"))
    return CSV_MAPPING, path, Origin(str(path), 5, "Is Head"), "expected true or false"


def no_unit(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace("Kestrel > Sales > Field Sales", " > "))
    return CSV_MAPPING, path, Origin(str(path), 7, "Org Path"), "a value is required"


def short_row(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    """A row that ends before its unit's cell lacks a unit, as one with an empty cell does."""
    path = csv_case(
        tmp,
        CSV_EXPORT.replace(
            "e4,Dev Patel,Sales Rep,,Kestrel > Sales > Inside Sales,e3,no,D",
            "e4,Dev Patel,Sales Rep",
        ),
    )
    return CSV_MAPPING, path, Origin(str(path), 5, "Org Path"), "a value is required"


def reporting_cycle(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = csv_case(tmp, CSV_EXPORT.replace("Kestrel > Sales,e1", "Kestrel > Sales,e3"))
    message = "REPORTS_TO forms a cycle: e2 -> e3 -> e2"
    return CSV_MAPPING, path, Origin(str(path), 4, "Manager ID"), message


def unknown_manager_name(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [list(row) for row in XLSX_ROWS]
    rows[1][6] = "Ingrd Halvorsen"
    path = write_xlsx(tmp / "bad.xlsx", rows)
    message = "no one in the file has this name; similar names: Ingrid Halvorsen"
    return XLSX_MAPPING, path, Origin(f"{path}[Workers]", 3, "Supervisor"), message


def ambiguous_manager_name(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [list(row) for row in XLSX_ROWS]
    rows[2][1] = "Olu Adeyemi"  # 1003 is now a second Olu Adeyemi
    rows[2][6] = "Ingrid Halvorsen"
    path = write_xlsx(tmp / "bad.xlsx", rows)
    message = "several people have this name: 1003 (at 4), 1005 (at 6); give managers by id"
    return XLSX_MAPPING, path, Origin(f"{path}[Workers]", 8, "Supervisor"), message


def unknown_unit_id(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [list(row) for row in XLSX_ROWS]
    rows[0][4] = "CC-999"  # not named in the file, not in the graph
    rows[0][7] = False
    path = write_xlsx(tmp / "bad.xlsx", rows)
    return XLSX_MAPPING, path, Origin(f"{path}[Workers]", 2, "Cost Center"), "no Team has this id"


def unknown_unit_name(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [list(row) for row in XLSX_ROWS]
    rows[0][4] = "CC-100"
    rows[3][5] = "Network Opps"
    path = write_xlsx(tmp / "bad.xlsx", rows)
    message = "no unit named in the file has this name; similar names: Network Ops"
    return XLSX_MAPPING, path, Origin(f"{path}[Workers]", 5, "Cost Center Name"), message


def garbage_xlsx(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = tmp / "bad.xlsx"
    path.write_bytes(b"Employee ID,Full Name\n" + bytes(range(256)))
    return XLSX_MAPPING, path, Origin(str(path), "?"), "not an XLSX workbook"


def ambiguous_unit_name(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows: list[dict[str, Any]] = [
        {"login": "a", "displayName": "A", "orgPath": "Kestrel;Sales;Support"},
        {"login": "b", "displayName": "B", "orgPath": "Kestrel;Tech;Support"},
        {"login": "c", "displayName": "C", "department": "support"},
    ]
    rows[0] |= {"jobTitle": None, "managerLogin": None, "managerName": None, "isLead": None}
    path = write_json(tmp / "bad.json", rows)
    message = (
        "several units have this name: team-kestrel--sales--support (Kestrel;Sales;Support), "
        "team-kestrel--tech--support (Kestrel;Tech;Support); give the unit by path"
    )
    return JSON_MAPPING, path, Origin(str(path), "/org/2", "department"), message


def manager_id_and_name_disagree(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [dict(row) for row in JSON_EXPORT]
    rows[4]["managerName"] = "Kim Park"
    path = write_json(tmp / "bad.json", rows)
    message = "the manager id cx-head is 'Lea Vogel', not this name"
    return JSON_MAPPING, path, Origin(str(path), "/org/4", "managerName"), message


def mapped_key_in_no_object(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    rows = [{k: v for k, v in row.items() if k != "managerLogin"} for row in JSON_EXPORT]
    path = write_json(tmp / "bad.json", rows)
    message = "the mapping's manager_id key is in no object of the file"
    return JSON_MAPPING, path, Origin(str(path), "/org", "managerLogin"), message


def json_not_an_array(tmp: Path) -> tuple[OrgMapping, Path, Origin, str]:
    path = write_json(tmp / "bad.json", JSON_EXPORT, key="employees")
    message = 'expected a JSON array of objects or {"org": [...]}, got an object with the keys'
    return JSON_MAPPING, path, Origin(str(path), 1), message


CASES: list[Case] = [
    wrong_encoding,
    semicolons,
    missing_mapped_column,
    empty_file,
    duplicate_id,
    bad_id,
    bad_head_flag,
    no_unit,
    short_row,
    reporting_cycle,
    unknown_manager_name,
    ambiguous_manager_name,
    unknown_unit_id,
    unknown_unit_name,
    garbage_xlsx,
    ambiguous_unit_name,
    manager_id_and_name_disagree,
    mapped_key_in_no_object,
    json_not_an_array,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
async def test_a_broken_export_is_refused_and_changes_nothing(
    case: Case, tmp_path: Path, empty_store: FalkorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(monkeypatch, CSV_MAPPING)
    good = write_text(tmp_path / "good" / "hr_export.csv", CSV_EXPORT)
    await load(empty_store, [Source("org", good)])
    before = tmp_path / "before.jsonl"
    after = tmp_path / "after.jsonl"
    await export_json(empty_store, before)
    mapping, path, origin, message = case(tmp_path)
    use(monkeypatch, mapping)

    with pytest.raises(LoadFailed) as failed:
        await load(empty_store, [Source("org", path)], prune=True)

    problems = failed.value.problems
    assert len(problems) == 1, problems
    assert problems[0].origin == origin
    assert message in problems[0].message
    await export_json(empty_store, after)
    assert after.read_bytes() == before.read_bytes()
