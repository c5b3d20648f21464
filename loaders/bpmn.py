"""BPMN 2.0 process diagrams (XML): processes, sub-processes and tasks, their hand-offs, and
the teams of pools and lanes. See docs/formats.md, section "BPMN 2.0".

The XML comes from outside, so it is parsed defensively: a document type declaration (the
only place entities can be declared) is refused before the parser sees the file, and the
parser itself resolves no entities, loads no DTD and reaches no network. Every problem is
located at the line of the element it is about and names the attribute or element at fault.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from lxml import etree  # type: ignore[import-untyped]

from loaders.records import Item, LoadProblem, NodeRecord, Origin, RelRecord
from ontology.model import Schema
from ontology.values import BadValue, coerce

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CX_NS = "https://cxgraph.org/ontology#"
_BPMN_PREFIX = f"{{{BPMN_NS}}}"

TASKS = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "manualTask",
        "sendTask",
        "receiveTask",
        "scriptTask",
        "businessRuleTask",
        "callActivity",
    }
)
SUB_PROCESSES = frozenset({"subProcess", "adHocSubProcess", "transaction"})
ACTIVITIES = TASKS | SUB_PROCESSES
GATEWAYS = frozenset(
    {
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
PASS_THROUGH = GATEWAYS | {"intermediateCatchEvent", "intermediateThrowEvent"}
"""Flow nodes that hand-offs are followed through."""
FLOW_NODES = ACTIVITIES | PASS_THROUGH | {"startEvent", "endEvent", "boundaryEvent"}

_ACTIVITY_ATTRIBUTES = frozenset({"id", "code", "layer", "system", "touchpoint"})
EXTENSIONS: dict[str, frozenset[str]] = {
    "process": _ACTIVITY_ATTRIBUTES | {"parent"},
    **{kind: _ACTIVITY_ATTRIBUTES for kind in ACTIVITIES},
    "participant": frozenset({"team", "code"}),
    "lane": frozenset({"team", "layer"}),
}
"""The cxgraph attributes (namespace CX_NS) each BPMN element takes; any other is an error,
so that a misspelt attribute cannot silently drop data."""

DEFAULT_ID_PREFIX = "proc-bpmn-"
DEFAULT_LAYER = "backstage"

Element = Any  # lxml.etree._Element; lxml ships no type information
BpmnReader = Callable[[Path, Schema], Iterator[Item]]

_CODE_IN_NAME = re.compile(r"(\d+(?:\.\d+)+)\s+(\S.*)")
_CODE = re.compile(r"[0-9]+(\.[0-9]+)*")
_PROLOG_DOCTYPE = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE", re.DOTALL)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def bpmn_reader(*, root_code: str | None = None, id_prefix: str = DEFAULT_ID_PREFIX) -> BpmnReader:
    """A BPMN reader. `root_code` is the code of a top-level process that has none of its
    own (no `cx:code`, no code in its name or its pool's); `id_prefix` starts the ids of
    processes without `cx:id`."""
    if root_code is not None and not _CODE.fullmatch(root_code):
        raise ValueError(f"root_code must look like 9 or 6.2, not {root_code!r}")
    if not id_prefix or any(c.isspace() for c in id_prefix):
        raise ValueError(f"id_prefix must be non-empty and without spaces, not {id_prefix!r}")

    def read(path: Path, schema: Schema) -> Iterator[Item]:
        return _Reader(path, schema, root_code, id_prefix).read()

    return read


def read_bpmn(path: Path, schema: Schema) -> Iterator[Item]:
    """Processes, teams and their relationships from one BPMN 2.0 file (default options)."""
    return _Reader(path, schema, None, DEFAULT_ID_PREFIX).read()


def slug(name: str) -> str:
    """`Crédit & Recouvrement` -> `credit-recouvrement`: lower case, accents dropped, every
    run of other characters than letters and digits one hyphen."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", plain.casefold()).strip("-")


def child_code(parent: str, position: int) -> str:
    """The code of the `position`-th child: `5.4` -> `5.4.2`; a category `5.0` -> `5.2`."""
    parts = parent.split(".")
    if len(parts) == 2 and parts[1] == "0":
        return f"{parts[0]}.{position}"
    return f"{parent}.{position}"


def _local(element: Element) -> str | None:
    """The local name of a BPMN element; None for anything else (no element, other
    namespaces, comments, processing instructions)."""
    tag = None if element is None else element.tag
    if isinstance(tag, str) and tag.startswith(_BPMN_PREFIX):
        return tag[len(_BPMN_PREFIX) :]
    return None


def _spaces(text: str) -> str:
    """Names from modelling tools carry line breaks; one space for each run of blanks."""
    return " ".join(text.split())


@dataclass
class _Lane:
    element: Element
    team: str | None
    depth: int
    layer: str | None
    """The lane's cx:layer, else that of the lane it is in."""
    team_field: str
    """Where the team came from: the cx:team attribute or the name."""


@dataclass
class _Pool:
    element: Element
    name: str | None
    code: str | None
    code_field: str | None
    code_refused: bool
    team: str | None
    team_field: str


@dataclass
class _Activity:
    element: Element
    kind: str
    bpmn_id: str
    parent: _Activity | None
    node_id: str | None = None
    name: str | None = None
    code: str | None = None
    code_field: str | None = None
    code_refused: bool = False
    lanes: list[_Lane] = field(default_factory=list)
    emitted: bool = False


@dataclass
class _Named:
    name: str | None
    code: str | None
    code_field: str | None
    code_refused: bool


class _Reader:
    def __init__(self, path: Path, schema: Schema, root_code: str | None, prefix: str) -> None:
        self.file = str(path)
        self.path = path
        self.root_code = root_code
        self.prefix = prefix
        self.out: list[Item] = []
        self.lines: dict[Element, int] = {}
        self.index: dict[str, Element] = {}
        self.activities: dict[str, _Activity] = {}
        """Processes, sub-processes and tasks by BPMN id, in document order."""
        self.teams: dict[str, tuple[Element, str]] = {}
        """Teams named by a lane or pool without cx:team: the first element and name."""
        self.process_props = schema.node_types["Process"].properties
        self.team_id = schema.node_types["Team"].properties["id"]

    # --- locating problems ---------------------------------------------------------------

    def origin(self, element: Element, field_name: str | None = None) -> Origin:
        """Where an element is: the line its start tag begins on."""
        line = self.lines.get(element, element.sourceline)
        return Origin(self.file, line if isinstance(line, int) else "?", field_name)

    def problem(
        self, element: Element, field_name: str | None, message: str, value: Any = None
    ) -> None:
        self.out.append(LoadProblem(self.origin(element, field_name), message, value))

    def cx_field(self, element: Element, name: str) -> str:
        """How the document spells the extension attribute `name` (with its own prefix)."""
        for prefix, uri in sorted(element.nsmap.items(), key=lambda kv: kv[0] or ""):
            if uri == CX_NS and prefix:
                return f"{prefix}:{name}"
        return f"cx:{name}"

    def cx(self, element: Element, name: str) -> str | None:
        value = element.get(f"{{{CX_NS}}}{name}")
        return None if value is None else str(value)

    # --- parsing -------------------------------------------------------------------------

    def read(self) -> Iterator[Item]:
        root = self.parse()
        if root is not None:
            self.read_definitions(root)
        yield from self.out

    def parse(self) -> Element | None:
        """The root element of a safely parsed document, or None after a problem."""
        start = Origin(self.file, 1)
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.out.append(LoadProblem(start, f"cannot read the file: {exc.strerror}"))
            return None
        if not data.strip():
            self.out.append(LoadProblem(start, "the file is empty; expected BPMN 2.0 XML"))
            return None
        text, wide = _prolog_text(data)
        if not wide and (nul := data.find(b"\0")) >= 0:
            self.out.append(
                LoadProblem(
                    Origin(self.file, data.count(b"\n", 0, nul) + 1),
                    f"binary data (a NUL byte at offset {nul}), not an XML text file",
                )
            )
            return None
        if (doctype := _PROLOG_DOCTYPE.match(text)) is not None:
            self.refuse_doctype(text.count("\n", 0, doctype.end()) + 1)
            return None
        parser = etree.XMLParser(
            resolve_entities=False,
            load_dtd=False,
            dtd_validation=False,
            no_network=True,
            huge_tree=False,
            collect_ids=False,
        )
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else 1
            self.out.append(LoadProblem(Origin(self.file, line), f"not well-formed XML: {exc.msg}"))
            return None
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            self.refuse_doctype(1)  # in an encoding the prolog check could not read
            return None
        self.lines = _start_lines(data, root)
        return root

    def refuse_doctype(self, line: int) -> None:
        self.out.append(
            LoadProblem(
                Origin(self.file, line, "DOCTYPE"),
                "document type declarations (DTDs, entities) are refused; BPMN 2.0 files have none",
            )
        )

    # --- reading -------------------------------------------------------------------------

    def read_definitions(self, root: Element) -> None:
        qname = etree.QName(root)
        if qname.localname != "definitions" or qname.namespace != BPMN_NS:
            self.problem(
                root,
                str(qname.localname),
                f"not a BPMN 2.0 file: the root element must be <definitions> in namespace "
                f"{BPMN_NS}; found <{qname.localname}> in "
                f"{qname.namespace or 'no namespace'}",
            )
            return
        self.index_ids(root)
        self.check_extensions(root)
        processes = [element for element in root if _local(element) == "process"]
        if not processes:
            self.problem(
                root, "definitions", "no <process> in this file; cxgraph reads the processes"
            )
            return
        pools = self.read_pools(root)
        self.read_processes(processes, pools)
        self.read_lanes(root)
        self.check_codes()
        self.emit_nodes()
        self.emit_structure()
        self.emit_hand_offs(root)
        self.emit_performers()
        self.emit_owners(pools)

    def index_ids(self, root: Element) -> None:
        """Every BPMN element by id; a problem for each id given twice."""
        for element in root.iter():
            if _local(element) is None or (bpmn_id := element.get("id")) is None:
                continue
            first = self.index.setdefault(str(bpmn_id), element)
            if first is not element:
                self.problem(
                    element,
                    "id",
                    f"duplicate BPMN id, first given at line {self.origin(first).line}",
                    bpmn_id,
                )

    def check_extensions(self, root: Element) -> None:
        """A problem for each cxgraph attribute on an element that does not take it."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            allowed = EXTENSIONS.get(_local(element) or "", frozenset())
            for attribute in element.attrib:
                qname = etree.QName(attribute)
                if qname.namespace != CX_NS or qname.localname in allowed:
                    continue
                takes = ", ".join(self.cx_field(element, a) for a in sorted(allowed)) or "none"
                self.problem(
                    element,
                    self.cx_field(element, str(qname.localname)),
                    f"unknown cxgraph attribute; <{etree.QName(element).localname}> takes {takes}",
                )

    def named(self, element: Element) -> _Named:
        """The element's name without a leading code; its own code (cx:code, else the code
        leading its name) and where that came from. A problem for a bad cx:code."""
        raw = element.get("name")
        name = _spaces(str(raw)) if raw is not None else ""
        named = _Named(name or None, None, None, code_refused=False)
        if (match := _CODE_IN_NAME.fullmatch(name)) is not None:
            named.code, named.name, named.code_field = match[1], match[2], "name"
        if (explicit := self.cx(element, "code")) is not None:
            named.code_field = self.cx_field(element, "code")
            try:
                named.code = str(coerce(explicit, self.process_props["code"]))
            except BadValue as exc:
                self.problem(element, named.code_field, str(exc), explicit)
                named.code, named.code_field, named.code_refused = None, None, True
        return named

    def layer(self, element: Element) -> str | None:
        """The element's cx:layer; None when not given (or refused, with a problem)."""
        raw = self.cx(element, "layer")
        if raw is None:
            return None
        try:
            return str(coerce(raw, self.process_props["layer"]))
        except BadValue as exc:
            self.problem(element, self.cx_field(element, "layer"), str(exc), raw)
            return None

    def team(self, element: Element, name: str | None) -> tuple[str | None, str]:
        """The team of a lane or pool and where it came from: cx:team, else `team-` and
        the slug of its name. None when it has neither (or they are unusable)."""
        if (explicit := self.cx(element, "team")) is not None:
            team_field = self.cx_field(element, "team")
            try:
                return str(coerce(explicit, self.team_id)), team_field
            except BadValue as exc:
                self.problem(element, team_field, str(exc), explicit)
                return None, team_field
        if name is None:
            return None, "name"
        if not (team_slug := slug(name)):
            self.problem(element, "name", "no team id can be made of this name; add cx:team", name)
            return None, "name"
        team_id = f"team-{team_slug}"
        self.teams.setdefault(team_id, (element, name))
        return team_id, "name"

    def read_pools(self, root: Element) -> dict[str, _Pool]:
        """Pools with a process, by process id. A pool without one (the customer drawn as a
        black box) is no team."""
        pools: dict[str, _Pool] = {}
        for collaboration in root:
            if _local(collaboration) != "collaboration":
                continue
            for element in collaboration:
                if _local(element) != "participant" or element.get("processRef") is None:
                    continue
                process_ref = str(element.get("processRef"))
                if _local(self.index.get(process_ref)) != "process":
                    self.problem(element, "processRef", "no process has this id", process_ref)
                    continue
                named = self.named(element)
                team, team_field = self.team(element, named.name)
                pools.setdefault(
                    process_ref,
                    _Pool(
                        element,
                        named.name,
                        named.code,
                        named.code_field,
                        named.code_refused,
                        team,
                        team_field,
                    ),
                )
        return pools

    def read_processes(self, processes: list[Element], pools: dict[str, _Pool]) -> None:
        root_code_line: int | str | None = None
        for element in processes:
            process = self.activity(element, "process", None)
            if process is None:
                continue
            pool = pools.get(process.bpmn_id)
            if process.name is None and pool is not None:
                process.name = pool.name
            if process.code is None and not process.code_refused:
                if pool is not None and (pool.code is not None or pool.code_refused):
                    process.code, process.code_field = pool.code, pool.code_field
                elif self.root_code is not None and root_code_line is None:
                    process.code, root_code_line = self.root_code, self.origin(element).line
                elif self.root_code is not None:
                    self.problem(
                        element,
                        self.cx_field(element, "code"),
                        f"the root code {self.root_code} is already the code of the process "
                        f"at line {root_code_line}; give this one a cx:code",
                    )
                else:
                    self.problem(
                        element,
                        self.cx_field(element, "code"),
                        "the process has no code: give it a cx:code, start its name (or its "
                        "pool's) with a code like 6.2, or load the file with a root code",
                    )
            self.read_children(process)

    def activity(self, element: Element, kind: str, parent: _Activity | None) -> _Activity | None:
        """A process, sub-process or task: its node id, name and own code."""
        if (bpmn_id := element.get("id")) is None:
            self.problem(element, "id", "a value is required")
            return None
        if str(bpmn_id) in self.activities:  # a duplicate id: already a problem
            return None
        activity = _Activity(element, kind, str(bpmn_id), parent)
        self.activities[activity.bpmn_id] = activity
        if (explicit_id := self.cx(element, "id")) is None:
            activity.node_id = f"{self.prefix}{bpmn_id}"
        else:
            try:
                activity.node_id = str(coerce(explicit_id, self.process_props["id"]))
            except BadValue as exc:
                self.problem(element, self.cx_field(element, "id"), str(exc), explicit_id)
        named = self.named(element)
        activity.name, activity.code = named.name, named.code
        activity.code_field, activity.code_refused = named.code_field, named.code_refused
        return activity

    def read_children(self, container: _Activity) -> None:
        """The activities directly inside a process or sub-process, numbered in document
        order: the n-th without a code of its own gets its container's code and `.n`."""
        position = 0
        for element in container.element:
            if (kind := _local(element)) not in ACTIVITIES:
                continue
            position += 1
            child = self.activity(element, kind, container)
            if child is None:
                continue
            if child.code is None and not child.code_refused and container.code is not None:
                child.code = child_code(container.code, position)
            if kind in SUB_PROCESSES:
                self.read_children(child)

    def check_codes(self) -> None:
        """A code is one process's only: a clash is a problem at the later process."""
        first: dict[str, _Activity] = {}
        for activity in self.activities.values():
            if activity.code is None:
                continue
            other = first.setdefault(activity.code, activity)
            if other is not activity:
                self.problem(
                    activity.element,
                    activity.code_field or self.cx_field(activity.element, "code"),
                    f"{'the' if activity.code_field else 'the derived'} code {activity.code} "
                    f"is already the code of {other.node_id} at line "
                    f"{self.origin(other.element).line}; give one of them another cx:code",
                    activity.code,
                )

    def read_lanes(self, root: Element) -> None:
        """Every lane; each activity learns the innermost lanes that list it."""
        lanes: list[_Lane] = []
        for lane_set in root.iter(f"{{{BPMN_NS}}}laneSet"):
            if _local(lane_set.getparent()) in {"process", *SUB_PROCESSES}:
                self.read_lane_set(lane_set, 0, lanes)
        for lane in lanes:
            for ref in lane.element:
                if _local(ref) != "flowNodeRef":
                    continue
                target = (ref.text or "").strip()
                if _local(self.index.get(target)) not in FLOW_NODES:
                    self.problem(ref, "flowNodeRef", "no flow node has this id", target)
                    continue
                activity = self.activities.get(target)
                if activity is None:
                    continue  # gateways and events are performed by nobody
                if not activity.lanes or lane.depth > activity.lanes[0].depth:
                    activity.lanes = [lane]
                elif lane.depth == activity.lanes[0].depth:
                    activity.lanes.append(lane)

    def read_lane_set(
        self, lane_set: Element, depth: int, lanes: list[_Lane], outer: _Lane | None = None
    ) -> None:
        for element in lane_set:
            if _local(element) != "lane":
                continue
            team, team_field = self.team(element, self.named_quietly(element))
            layer = self.layer(element) or (outer.layer if outer is not None else None)
            lane = _Lane(element, team, depth, layer, team_field)
            lanes.append(lane)
            for child in element:
                if _local(child) == "childLaneSet":
                    self.read_lane_set(child, depth + 1, lanes, lane)

    def named_quietly(self, element: Element) -> str | None:
        """A lane's name without a leading code (lanes have no code of their own)."""
        raw = element.get("name")
        name = _spaces(str(raw)) if raw is not None else ""
        if (match := _CODE_IN_NAME.fullmatch(name)) is not None:
            name = match[2]
        return name or None

    def lanes_of(self, activity: _Activity) -> list[_Lane]:
        """The innermost lanes listing the activity; inside a sub-process without lanes of
        its own, those of the sub-process."""
        current: _Activity | None = activity
        while current is not None and current.kind != "process":
            if current.lanes:
                return current.lanes
            current = current.parent
        return []

    # --- output --------------------------------------------------------------------------

    def emit_nodes(self) -> None:
        for activity in self.activities.values():
            element = activity.element
            if activity.name is None:
                self.problem(element, "name", "a value is required")
            layer = self.layer(element)
            if layer is None:
                layer = next((lane.layer for lane in self.lanes_of(activity) if lane.layer), None)
            if activity.node_id is None or activity.code is None or activity.name is None:
                continue
            props: dict[str, Any] = {
                "id": activity.node_id,
                "code": activity.code,
                "name": activity.name,
                "layer": layer or DEFAULT_LAYER,
            }
            if description := _documentation(element):
                props["description"] = description
            self.out.append(NodeRecord("Process", activity.node_id, props, self.origin(element)))
            activity.emitted = True
        for team_id, (element, name) in self.teams.items():
            self.out.append(
                NodeRecord("Team", team_id, {"id": team_id, "name": name}, self.origin(element))
            )

    def emitted(self, activity: _Activity | None) -> str | None:
        """The node id of an activity whose node was emitted; None otherwise."""
        return activity.node_id if activity is not None and activity.emitted else None

    def rel(
        self, rel_type: str, ends: tuple[str, str, str, str], element: Element, field_name: str
    ) -> None:
        self.out.append(RelRecord(rel_type, *ends, self.origin(element, field_name)))

    def emit_structure(self) -> None:
        """PART_OF from nesting (and cx:parent of a process), USES and SUPPORTS."""
        for activity in self.activities.values():
            element = activity.element
            if (node_id := self.emitted(activity)) is None:
                continue
            if (parent_id := self.emitted(activity.parent)) is not None:
                ends = ("Process", node_id, "Process", parent_id)
                self.rel("PART_OF", ends, element, str(_local(element)))
            parent = (self.cx(element, "parent") or "").strip()
            if activity.kind == "process" and parent:
                ends = ("Process", node_id, "Process", parent)
                self.rel("PART_OF", ends, element, self.cx_field(element, "parent"))
            for attribute, rel_type, label in (
                ("system", "USES", "System"),
                ("touchpoint", "SUPPORTS", "Touchpoint"),
            ):
                for other in _ids(self.cx(element, attribute)):
                    ends = ("Process", node_id, label, other)
                    self.rel(rel_type, ends, element, self.cx_field(element, attribute))

    def emit_hand_offs(self, root: Element) -> None:
        """HANDS_OFF_TO from each activity to the activities its outgoing sequence flows
        reach, through gateways and intermediate events; a flow out of a boundary event
        leaves the activity the event is attached to."""
        outgoing: dict[str, list[tuple[Element, str]]] = {}
        for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
            ends = []
            for attribute in ("sourceRef", "targetRef"):
                if (ref := flow.get(attribute)) is None:
                    self.problem(flow, attribute, "a value is required")
                elif _local(self.index.get(str(ref))) not in FLOW_NODES:
                    self.problem(flow, attribute, "no flow node has this id", ref)
                else:
                    ends.append(str(ref))
            if len(ends) == 2:
                outgoing.setdefault(ends[0], []).append((flow, ends[1]))
        for event in root.iter(f"{{{BPMN_NS}}}boundaryEvent"):
            if (attached := event.get("attachedToRef")) is None:
                self.problem(event, "attachedToRef", "a value is required")
            elif str(attached) not in self.activities:
                self.problem(event, "attachedToRef", "no activity has this id", attached)
            else:
                flows = outgoing.get(str(event.get("id")), [])
                outgoing.setdefault(str(attached), []).extend(flows)
        for activity in self.activities.values():
            if (source := self.emitted(activity)) is None:
                continue
            for flow, target in self.reached(activity.bpmn_id, outgoing):
                self.rel("HANDS_OFF_TO", ("Process", source, "Process", target), flow, "targetRef")

    def reached(
        self, start: str, outgoing: dict[str, list[tuple[Element, str]]]
    ) -> Iterator[tuple[Element, str]]:
        """(the flow arriving, node id) of each other activity reached from `start`, once
        each, depth first in document order."""
        passed: set[str] = set()
        found: set[str] = set()
        stack = list(reversed(outgoing.get(start, [])))
        while stack:
            flow, target = stack.pop()
            if target in self.activities:
                node_id = self.emitted(self.activities[target])
                if target != start and node_id is not None and node_id not in found:
                    found.add(node_id)
                    yield flow, node_id
            elif _local(self.index[target]) in PASS_THROUGH and target not in passed:
                passed.add(target)
                stack.extend(reversed(outgoing.get(target, [])))

    def emit_performers(self) -> None:
        for activity in self.activities.values():
            if (node_id := self.emitted(activity)) is None:
                continue
            for lane in self.lanes_of(activity):
                if lane.team is not None:
                    ends = ("Team", lane.team, "Process", node_id)
                    self.rel("PERFORMS", ends, lane.element, lane.team_field)

    def emit_owners(self, pools: dict[str, _Pool]) -> None:
        for process_ref, pool in pools.items():
            node_id = self.emitted(self.activities.get(process_ref))
            if node_id is not None and pool.team is not None:
                ends = ("Team", pool.team, "Process", node_id)
                self.rel("OWNS", ends, pool.element, pool.team_field)


def _prolog_text(data: bytes) -> tuple[str, bool]:
    """The file as text, enough to find a document type declaration in its prolog, and
    whether it is in a wide encoding (UTF-16 or UTF-32, where NUL bytes are normal)."""
    head = data
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            wide = not encoding.startswith("utf-8")
            return head[len(bom) :].decode(encoding, errors="replace"), wide
    if head.startswith(b"<\0") or head.startswith(b"\0<"):
        encoding = "utf-16-le" if head.startswith(b"<\0") else "utf-16-be"
        return head.decode(encoding, errors="replace"), True
    return head.decode("latin-1"), False  # ASCII-compatible: the markup reads the same


def _start_lines(data: bytes, root: Element) -> dict[Element, int]:
    """The line each element's start tag begins on. libxml2 gives the line where it ends
    (`sourceline`), which for a tag spread over several lines is not where a reader looks;
    expat, run over the same bytes once libxml2 has accepted them (no DTD), reports the
    start. Empty when the two disagree or expat cannot read the encoding: then `sourceline`
    is used."""
    lines: list[int] = []
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(name: str, attributes: dict[str, str]) -> None:
        lines.append(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, LookupError, ValueError):
        return {}
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    if len(elements) != len(lines):
        return {}
    return dict(zip(elements, lines, strict=True))


def _ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _documentation(element: Element) -> str | None:
    texts = [
        "\n".join(line.strip() for line in (child.text or "").strip().splitlines())
        for child in element
        if _local(child) == "documentation"
    ]
    text = "\n\n".join(t for t in texts if t)
    return text or None
