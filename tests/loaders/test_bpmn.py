"""BPMN 2.0 diagrams: a telecom order-to-activation collaboration loads into a real engine
with the processes, tree, hand-offs and teams it draws; bad files are refused with the
file, line and attribute at fault, and leave the graph byte for byte as it was."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from loaders.bpmn import bpmn_reader, child_code, read_bpmn, slug
from loaders.export import dump, export_json
from loaders.pipeline import Source, demo_sources, load
from loaders.records import Item, LoadFailed, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import load_schema
from queries.embedded import EmbeddedEngine
from queries.falkor import FalkorStore
from tests.conftest import short_tmp_dir

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "order-to-activation.bpmn"
SOURCE = "bpmn:order-to-activation.bpmn"


def sources(bpmn: Path = SAMPLE) -> list[Source]:
    """The demo company (its teams, systems, processes and touchpoints are referenced by the
    diagram) and the diagram."""
    return [*demo_sources(), Source("bpmn", bpmn)]


async def loaded_by(store: FalkorStore, source: str) -> list[dict[str, Any]]:
    return [item async for item in dump(store) if item["props"].get("source") == source]


def rels(items: list[dict[str, Any]], rel_type: str) -> set[tuple[str, str]]:
    return {(i["from"][1], i["to"][1]) for i in items if i.get("type") == rel_type}


# --- the sample in a real engine -------------------------------------------------------

PROCESSES = {
    # id: (code, name, layer)
    "proc-bpmn-Process_O2A": ("5.4", "Order to activation", "backstage"),
    "proc-bpmn-Task_Capture": ("5.4.1", "Capture order", "frontstage"),
    "proc-bpmn-Task_Credit": ("5.4.2", "Run credit check", "backstage"),
    "proc-bpmn-Task_Review": ("5.4.3", "Review credit manually", "backstage"),
    "proc-bpmn-Task_Deposit": ("5.4.9", "Request deposit", "frontstage"),
    "proc-o2a-activation": ("5.4.5", "Activate service", "backstage"),
    "proc-bpmn-Task_Reserve": ("5.4.5.1", "Reserve number and SIM", "backstage"),
    "proc-bpmn-Task_Provision": ("5.4.5.2", "Provision network", "backstage"),
    "proc-bpmn-Task_Billing": ("5.4.5.3", "Create billing account", "support"),
    "proc-bpmn-Task_Welcome": ("5.4.6", "Send welcome message", "frontstage"),
}
PART_OF = {
    ("proc-bpmn-Process_O2A", "proc-5.0"),
    ("proc-bpmn-Task_Capture", "proc-bpmn-Process_O2A"),
    ("proc-bpmn-Task_Credit", "proc-bpmn-Process_O2A"),
    ("proc-bpmn-Task_Review", "proc-bpmn-Process_O2A"),
    ("proc-bpmn-Task_Deposit", "proc-bpmn-Process_O2A"),
    ("proc-o2a-activation", "proc-bpmn-Process_O2A"),
    ("proc-bpmn-Task_Welcome", "proc-bpmn-Process_O2A"),
    ("proc-bpmn-Task_Reserve", "proc-o2a-activation"),
    ("proc-bpmn-Task_Provision", "proc-o2a-activation"),
    ("proc-bpmn-Task_Billing", "proc-o2a-activation"),
}
HANDS_OFF_TO = {
    ("proc-bpmn-Task_Capture", "proc-bpmn-Task_Credit"),
    # through the exclusive gateway "Credit approved?"
    ("proc-bpmn-Task_Credit", "proc-o2a-activation"),
    ("proc-bpmn-Task_Credit", "proc-bpmn-Task_Deposit"),
    # the boundary timer on the credit check
    ("proc-bpmn-Task_Credit", "proc-bpmn-Task_Review"),
    ("proc-bpmn-Task_Review", "proc-o2a-activation"),
    ("proc-bpmn-Task_Review", "proc-bpmn-Task_Deposit"),
    # through the intermediate "Deposit paid" event
    ("proc-bpmn-Task_Deposit", "proc-o2a-activation"),
    ("proc-o2a-activation", "proc-bpmn-Task_Welcome"),
    # through the parallel split inside the sub-process
    ("proc-bpmn-Task_Reserve", "proc-bpmn-Task_Provision"),
    ("proc-bpmn-Task_Reserve", "proc-bpmn-Task_Billing"),
}
PERFORMS = {
    ("team-sales", "proc-bpmn-Task_Capture"),
    ("team-sales", "proc-bpmn-Task_Deposit"),
    ("team-sales", "proc-bpmn-Task_Welcome"),
    ("team-credit", "proc-bpmn-Task_Credit"),
    ("team-credit", "proc-bpmn-Task_Review"),
    ("team-network-provisioning", "proc-o2a-activation"),
    ("team-network-provisioning", "proc-bpmn-Task_Reserve"),
    ("team-network-provisioning", "proc-bpmn-Task_Provision"),
    ("team-network-provisioning", "proc-bpmn-Task_Billing"),
}
USES = {
    ("proc-bpmn-Task_Capture", "sys-crm"),
    ("proc-bpmn-Task_Capture", "sys-oms"),
    ("proc-bpmn-Task_Credit", "sys-billing"),
    ("proc-bpmn-Task_Reserve", "sys-oms"),
    ("proc-bpmn-Task_Provision", "sys-provisioning"),
    ("proc-bpmn-Task_Billing", "sys-billing"),
}


async def test_the_sample_loads_into_a_real_engine_with_what_it_draws(
    empty_store: FalkorStore,
) -> None:
    report = await load(empty_store, sources())
    assert report.changed

    items = await loaded_by(empty_store, SOURCE)
    nodes = {(i["label"], i["id"]): i["props"] for i in items if "label" in i}
    processes = {
        node_id: (props["code"], props["name"], props["layer"])
        for (label, node_id), props in nodes.items()
        if label == "Process"
    }
    assert processes == PROCESSES
    assert nodes[("Process", "proc-bpmn-Process_O2A")]["description"] == (
        "From an accepted order to a working service.\n"
        "Owned by the order desk; credit vetting may ask for a deposit."
    )
    teams = {node_id: props["name"] for (label, node_id), props in nodes.items() if label == "Team"}
    assert teams == {
        "team-order-desk": "Order Desk",
        "team-network-provisioning": "Network Provisioning",
    }
    assert rels(items, "PART_OF") == PART_OF  # no team named only by the diagram has a parent
    assert rels(items, "HANDS_OFF_TO") == HANDS_OFF_TO
    assert rels(items, "PERFORMS") == PERFORMS
    assert rels(items, "OWNS") == {("team-order-desk", "proc-bpmn-Process_O2A")}
    assert rels(items, "USES") == USES
    assert rels(items, "SUPPORTS") == {
        ("proc-bpmn-Task_Capture", "tp-bb-order-online"),
        ("proc-bpmn-Task_Credit", "tp-bb-credit-check"),
    }
    # the lanes named existing teams of the org chart: they are linked, not redefined
    everything = [item async for item in dump(empty_store)]
    sales = next(i for i in everything if i.get("label") == "Team" and i["id"] == "team-sales")
    assert sales["props"]["source"] == "teams:teams.csv"
    assert report.nodes["Process"].created == 45 + len(PROCESSES)


async def test_loading_the_same_files_again_changes_nothing(
    empty_store: FalkorStore, tmp_path: Path
) -> None:
    await load(empty_store, sources())
    await export_json(empty_store, tmp_path / "before.jsonl")

    again = await load(empty_store, sources())
    only_the_diagram = await load(empty_store, [Source("bpmn", SAMPLE)])

    await export_json(empty_store, tmp_path / "after.jsonl")
    assert again.changed is False
    assert again.run_id is None
    assert only_the_diagram.changed is False
    assert only_the_diagram.nodes["Process"].unchanged == len(PROCESSES)
    assert (tmp_path / "after.jsonl").read_bytes() == (tmp_path / "before.jsonl").read_bytes()


# --- bad files: refused, located, and the graph untouched ---------------------------------


@dataclass(frozen=True)
class Preloaded:
    store: FalkorStore
    export: bytes


@pytest.fixture(scope="module")
async def preloaded() -> AsyncIterator[Preloaded]:
    """One real engine (set up like `empty_store`) holding the demo company and the sample
    diagram, shared by the bad-file cases: each must leave it exactly as it was."""
    path = short_tmp_dir("cxg-bpmn-")
    store = await FalkorStore.open(EmbeddedEngine(path), "test")
    try:
        await store.apply_schema()
        await load(store, sources())
        await export_json(store, path / "baseline.jsonl")
        yield Preloaded(store, (path / "baseline.jsonl").read_bytes())
    finally:
        await store.close()
        shutil.rmtree(path, ignore_errors=True)


GOOD = SAMPLE.read_text(encoding="utf-8")
DOCTYPE_BOMB = (
    '<!DOCTYPE bpmn:definitions [\n  <!ENTITY lol "lol">\n'
    '  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    '  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
)
DOCTYPE_XXE = '<!DOCTYPE definitions [\n  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'


def edit(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the only occurrence of `marker`."""
    assert text.count(marker) == 1, marker
    return text[: text.index(marker)].count("\n") + 1


@dataclass(frozen=True)
class Bad:
    """A broken variant of the sample: its bytes, and where each expected problem is
    (the marker whose line it is on, the field) and what its message says."""

    content: bytes
    line: int | str
    """A line number, or a marker whose line is meant."""
    field: str | None
    message: str
    count: int = 1

    def expected_line(self) -> int:
        if isinstance(self.line, int):
            return self.line
        return line_of(self.content.decode("utf-8", errors="replace"), self.line)


def text(content: str) -> bytes:
    return content.encode("utf-8")


BAD = {
    "empty file": Bad(b"", 1, None, "the file is empty"),
    "blank file": Bad(b"\n  \n", 1, None, "the file is empty"),
    "binary garbage": Bad(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", 3, None, "binary data"
    ),
    "not XML": Bad(
        text("id,code,name,layer\nproc-1,5.4,Order to activation,backstage\n"),
        1,
        None,
        "not well-formed XML: Start tag expected",
    ),
    "truncated XML": Bad(
        text(edit("  </bpmn:process>\n", "")),
        "</bpmn:definitions>",
        None,
        "not well-formed XML: Opening and ending tag mismatch",
    ),
    "not UTF-8": Bad(
        edit("Capture order", "Capture commande reçue").encode("latin-1"),
        "Capture commande",
        None,
        "not well-formed XML",
    ),
    "XML but not BPMN": Bad(
        text(
            '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
            "<body><p>Order to activation</p></body>\n</html>\n"
        ),
        2,
        "html",
        "not a BPMN 2.0 file",
    ),
    "BPMN in another namespace": Bad(
        text(
            edit(
                'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
                'xmlns:bpmn="http://schema.omg.org/spec/BPMN/2.0"',
            )
        ),
        "<bpmn:definitions",
        "definitions",
        "found <definitions> in http://schema.omg.org/spec/BPMN/2.0",
    ),
    "entity expansion bomb": Bad(
        text(
            edit(
                "<bpmn:definitions ",
                DOCTYPE_BOMB + "<bpmn:definitions ",
            ).replace('name="Capture order"', 'name="Capture &lol3;"')
        ),
        "<!DOCTYPE",
        "DOCTYPE",
        "document type declarations (DTDs, entities) are refused",
    ),
    "external entity": Bad(
        text(
            edit("<bpmn:definitions ", DOCTYPE_XXE + "<bpmn:definitions ").replace(
                'name="Capture order"', 'name="Capture &secret;"'
            )
        ),
        "<!DOCTYPE",
        "DOCTYPE",
        "document type declarations (DTDs, entities) are refused",
    ),
    "sequence flow to an unknown element": Bad(
        text(edit('targetRef="Event_DepositPaid"', 'targetRef="Event_DepositPayd"')),
        'id="Flow_6"',
        "targetRef",
        "no flow node has this id (got 'Event_DepositPayd')",
    ),
    "sequence flow without a source": Bad(
        text(edit('sourceRef="Task_Welcome" targetRef="End_Active"', 'targetRef="End_Active"')),
        'id="Flow_9"',
        "sourceRef",
        "a value is required",
    ),
    "lane listing an unknown flow node": Bad(
        text(edit("<bpmn:flowNodeRef>Task_Review<", "<bpmn:flowNodeRef>Task_Reveiw<")),
        "Task_Reveiw",
        "flowNodeRef",
        "no flow node has this id (got 'Task_Reveiw')",
    ),
    "bad cx:code": Bad(
        text(edit('cx:code="5.4.9"', 'cx:code="5.4.x"')),
        'cx:code="5.4.x"',
        "cx:code",
        "expected text matching",
    ),
    "bad cx:layer": Bad(
        text(edit('cx:layer="frontstage"', 'cx:layer="front-stage"')),
        'cx:layer="front-stage"',
        "cx:layer",
        "expected one of frontstage, backstage, support (got 'front-stage')",
    ),
    "a misspelt cxgraph attribute": Bad(
        text(edit('cx:system="sys-billing" cx:touchpoint', 'cx:sytem="sys-billing" cx:touchpoint')),
        'id="Task_Credit"',
        "cx:sytem",
        "unknown cxgraph attribute; <serviceTask> takes cx:code, cx:id, cx:layer, cx:system, "
        "cx:touchpoint",
    ),
    "a file without a process": Bad(
        text(
            '<?xml version="1.0"?>\n'
            '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">\n'
            '  <collaboration id="C" />\n</definitions>\n'
        ),
        2,
        "definitions",
        "no <process> in this file",
    ),
    "a code given twice": Bad(
        text(edit('cx:code="5.4.9"', 'cx:code="5.4.6"')),
        'id="Task_Welcome"',
        "cx:code",
        "the derived code 5.4.6 is already the code of proc-bpmn-Task_Deposit",
    ),
    "a task without a name": Bad(
        text(edit(' name="Review credit&#10;manually"', "")),
        'id="Task_Review"',
        "name",
        "a value is required",
    ),
    "a process without a code": Bad(
        text(edit('name="5.4 Order to activation"', 'name="Order to activation"')),
        'id="Process_O2A"',
        "cx:code",
        "the process has no code",
    ),
    "a pool for an unknown process": Bad(
        text(edit('processRef="Process_O2A"', 'processRef="Process_O2B"')),
        'processRef="Process_O2B"',
        "processRef",
        "no process has this id (got 'Process_O2B')",
    ),
    "an unknown system (checked by the pipeline)": Bad(
        text(edit('cx:system="sys-crm;sys-oms"', 'cx:system="sys-crm;sys-orders"')),
        'id="Task_Capture"',
        "cx:system",
        "no System has this id (got 'sys-orders')",
    ),
    "an unknown team (checked by the pipeline)": Bad(
        text(edit('cx:team="team-credit"', 'cx:team="team-credits"')),
        'id="Lane_Credit"',
        "cx:team",
        "no Team has this id (got 'team-credits')",
        count=2,  # one for each task of the lane
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
async def test_a_bad_file_is_refused_where_it_is_wrong_and_changes_nothing(
    case: str, preloaded: Preloaded, tmp_path: Path
) -> None:
    bad = BAD[case]
    path = tmp_path / "order-to-activation.bpmn"
    path.write_bytes(bad.content)

    with pytest.raises(LoadFailed) as failed:
        await load(preloaded.store, [Source("bpmn", path)])

    expected = Origin(str(path), bad.expected_line(), bad.field)
    assert [p.origin for p in failed.value.problems] == [expected] * bad.count
    assert all(bad.message in str(p) for p in failed.value.problems), failed.value.problems
    await export_json(preloaded.store, tmp_path / "after.jsonl")
    assert (tmp_path / "after.jsonl").read_bytes() == preloaded.export


def test_the_battery_covers_every_kind_of_refusal() -> None:
    assert len(BAD) >= 8
    assert {b.field for b in BAD.values()} >= {
        None,
        "DOCTYPE",
        "targetRef",
        "flowNodeRef",
        "cx:code",
        "cx:layer",
    }


# --- the reader on its own ------------------------------------------------------------

MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:kx="https://cxgraph.org/ontology#" id="D">
  <collaboration id="C">
    <participant id="P_Care" name="6.3 Customer Care" processRef="Complaints" />
  </collaboration>
  <process id="Complaints">
    <laneSet id="LS">
      <lane id="L_Care" name="Care" kx:layer="frontstage">
        <flowNodeRef>T_Log</flowNodeRef>
        <flowNodeRef>T_Fix</flowNodeRef>
        <childLaneSet id="CLS">
          <lane id="L_Front" name="Première ligne">
            <flowNodeRef>T_Log</flowNodeRef>
          </lane>
        </childLaneSet>
      </lane>
    </laneSet>
    <task id="T_Log" name="Log complaint" />
    <exclusiveGateway id="G_Ok" />
    <task id="T_Fix" name="Fix it" kx:layer="backstage" />
    <sequenceFlow id="F1" sourceRef="T_Log" targetRef="G_Ok" />
    <sequenceFlow id="F2" sourceRef="G_Ok" targetRef="T_Fix" />
    <sequenceFlow id="F3" sourceRef="G_Ok" targetRef="T_Log" />
    <sequenceFlow id="F4" sourceRef="T_Fix" targetRef="G_Ok" />
  </process>
</definitions>
"""


def read(content: str | bytes, tmp_path: Path, **options: Any) -> list[Item]:
    path = tmp_path / "diagram.bpmn"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    reader: Callable[..., Any] = bpmn_reader(**options) if options else read_bpmn
    return list(reader(path, load_schema()))


def nodes_of(items: list[Item]) -> dict[str, dict[str, Any]]:
    return {i.id: i.props for i in items if isinstance(i, NodeRecord)}


def edges_of(items: list[Item], rel_type: str) -> set[tuple[str, str]]:
    return {
        (i.source_id, i.target_id) for i in items if isinstance(i, RelRecord) and i.type == rel_type
    }


def problems_of(items: list[Item]) -> list[LoadProblem]:
    return [i for i in items if isinstance(i, LoadProblem)]


def test_pool_codes_nested_lanes_and_loops(tmp_path: Path) -> None:
    items = read(MINIMAL, tmp_path)
    assert problems_of(items) == []
    assert nodes_of(items) == {
        "proc-bpmn-Complaints": {
            "id": "proc-bpmn-Complaints",
            "code": "6.3",  # from the pool's name, as is the process's name
            "name": "Customer Care",
            "layer": "backstage",
        },
        "proc-bpmn-T_Log": {
            "id": "proc-bpmn-T_Log",
            "code": "6.3.1",
            "name": "Log complaint",
            "layer": "frontstage",  # the outer lane's cx:layer (the inner lane has none)
        },
        "proc-bpmn-T_Fix": {
            "id": "proc-bpmn-T_Fix",
            "code": "6.3.2",
            "name": "Fix it",
            "layer": "backstage",
        },
        "team-care": {"id": "team-care", "name": "Care"},
        "team-premiere-ligne": {"id": "team-premiere-ligne", "name": "Première ligne"},
        "team-customer-care": {"id": "team-customer-care", "name": "Customer Care"},
    }
    # the loop back through the gateway gives no hand-off of a task to itself
    assert edges_of(items, "HANDS_OFF_TO") == {
        ("proc-bpmn-T_Log", "proc-bpmn-T_Fix"),
        ("proc-bpmn-T_Fix", "proc-bpmn-T_Log"),
    }
    # the innermost lane listing a task performs it
    assert edges_of(items, "PERFORMS") == {
        ("team-premiere-ligne", "proc-bpmn-T_Log"),
        ("team-care", "proc-bpmn-T_Fix"),
    }
    assert edges_of(items, "OWNS") == {("team-customer-care", "proc-bpmn-Complaints")}
    assert edges_of(items, "PART_OF") == {
        ("proc-bpmn-T_Log", "proc-bpmn-Complaints"),
        ("proc-bpmn-T_Fix", "proc-bpmn-Complaints"),
    }


def test_problems_name_the_extension_prefix_the_file_uses(tmp_path: Path) -> None:
    content = MINIMAL.replace('kx:layer="backstage"', 'kx:layer="offstage"')
    (problem,) = problems_of(read(content, tmp_path))
    line = line_of(content, 'kx:layer="offstage"')
    assert problem.origin == Origin(str(tmp_path / "diagram.bpmn"), line, "kx:layer")


def test_a_root_code_and_an_id_prefix_as_options(tmp_path: Path) -> None:
    content = MINIMAL.replace('name="6.3 Customer Care"', 'name="Customer Care"')
    assert [p.message for p in problems_of(read(content, tmp_path))] == [
        "the process has no code: give it a cx:code, start its name (or its pool's) with a "
        "code like 6.2, or load the file with a root code"
    ]
    items = read(content, tmp_path, root_code="9.0", id_prefix="proc-care-")
    assert {node_id: props.get("code") for node_id, props in nodes_of(items).items()} == {
        "proc-care-Complaints": "9.0",
        "proc-care-T_Log": "9.1",  # the children of a category 9.0 are 9.1, 9.2, ...
        "proc-care-T_Fix": "9.2",
        "team-care": None,
        "team-premiere-ligne": None,
        "team-customer-care": None,
    }
    with pytest.raises(ValueError, match="root_code"):
        bpmn_reader(root_code="nine")


def test_a_second_process_cannot_take_the_root_code(tmp_path: Path) -> None:
    content = MINIMAL.replace('name="6.3 Customer Care"', 'name="Customer Care"').replace(
        "</definitions>", '  <process id="Other" name="Other" />\n</definitions>'
    )
    (problem,) = problems_of(read(content, tmp_path, root_code="9"))
    assert (problem.origin.line, problem.origin.field) == (
        line_of(content, 'id="Other"'),
        "kx:code",
    )
    first = line_of(content, 'id="Complaints"')
    assert f"the root code 9 is already the code of the process at line {first}" in problem.message


def test_duplicate_bpmn_ids_and_boundary_events_are_checked(tmp_path: Path) -> None:
    content = MINIMAL.replace('<task id="T_Fix"', '<task id="T_Log"').replace(
        '<exclusiveGateway id="G_Ok" />',
        '<exclusiveGateway id="G_Ok" />\n    <boundaryEvent id="B" attachedToRef="T_Nope" />',
    )
    found = {(p.origin.line, p.origin.field, p.value) for p in problems_of(read(content, tmp_path))}
    assert (line_of(content, 'name="Fix it"'), "id", "T_Log") in found
    assert (line_of(content, 'id="B"'), "attachedToRef", "T_Nope") in found


def test_utf16_files_are_read_and_their_doctype_refused_too(tmp_path: Path) -> None:
    wide = MINIMAL.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    items = read(wide.encode("utf-16"), tmp_path)
    assert problems_of(items) == []
    assert "proc-bpmn-T_Fix" in nodes_of(items)
    bomb = wide.replace("<definitions ", DOCTYPE_BOMB + "<definitions ")
    (problem,) = problems_of(read(bomb.encode("utf-16"), tmp_path))
    assert (problem.origin.line, problem.origin.field) == (2, "DOCTYPE")


def test_names_give_codes_only_when_they_start_with_a_dotted_code() -> None:
    assert slug("Network\nOps") == "network-ops"
    assert slug("Crédit & Recouvrement") == "credit-recouvrement"
    assert slug("営業") == "営業"
    assert slug("?!") == ""
    assert child_code("5.4", 3) == "5.4.3"
    assert child_code("5.0", 3) == "5.3"
    assert child_code("9", 2) == "9.2"


def test_a_task_named_with_a_number_keeps_it(tmp_path: Path) -> None:
    items = read(MINIMAL.replace('name="Fix it"', 'name="3 attempts to fix"'), tmp_path)
    assert nodes_of(items)["proc-bpmn-T_Fix"]["name"] == "3 attempts to fix"
    assert nodes_of(items)["proc-bpmn-T_Fix"]["code"] == "6.3.2"
