"""The GraphQL field names of each relationship, in both directions.

The ontology says which relationships exist; people navigating them need a name for each
direction ("a team's owned processes", "a process's owners"). Every (source, type, target)
triple of the ontology has an entry here, and every entry names a triple of the ontology:
a test fails when the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ontology.model import load_schema

# (source, TYPE, target): (field on the source, field on the target)
NAMES: dict[tuple[str, str, str], tuple[str, str]] = {
    ("Customer", "HAS_PERSONA", "Persona"): ("personas", "customers"),
    ("Customer", "IN_SEGMENT", "Segment"): ("segment", "customers"),
    ("Journey", "FOR_PERSONA", "Persona"): ("personas", "journeys"),
    ("Journey", "HAS_STAGE", "Stage"): ("stages", "journey"),
    ("Stage", "HAS_TOUCHPOINT", "Touchpoint"): ("touchpoints", "stage"),
    ("Touchpoint", "NEXT", "Touchpoint"): ("next", "previous"),
    ("Touchpoint", "VIA", "Channel"): ("channel", "touchpoints"),
    ("Touchpoint", "ADDRESSES", "CustomerNeed"): ("needs", "touchpoints"),
    ("PainPoint", "OCCURS_AT", "Touchpoint"): ("touchpoints", "painPoints"),
    ("Feedback", "ABOUT", "Touchpoint"): ("touchpoint", "feedback"),
    ("Feedback", "VIA", "Channel"): ("channel", "feedback"),
    ("Feedback", "GIVEN_BY", "Customer"): ("customer", "feedback"),
    ("Feedback", "EVIDENCES", "PainPoint"): ("painPoints", "feedback"),
    ("Measurement", "OF", "Touchpoint"): ("touchpoint", "measurements"),
    ("Measurement", "OF", "Stage"): ("stage", "measurements"),
    ("Measurement", "OF", "Journey"): ("journey", "measurements"),
    ("Measurement", "OF", "Channel"): ("channel", "measurements"),
    ("Process", "SUPPORTS", "Touchpoint"): ("touchpoints", "processes"),
    ("Process", "PART_OF", "Process"): ("parent", "subProcesses"),
    ("Process", "HANDS_OFF_TO", "Process"): ("handsOffTo", "receivesFrom"),
    ("Process", "USES", "System"): ("systems", "processes"),
    ("System", "SUPPORTS", "Touchpoint"): ("touchpoints", "systems"),
    ("System", "DEPENDS_ON", "System"): ("dependsOn", "dependents"),
    ("Team", "PART_OF", "Team"): ("parent", "units"),
    ("Team", "OWNS", "Journey"): ("ownedJourneys", "owners"),
    ("Team", "OWNS", "Touchpoint"): ("ownedTouchpoints", "owners"),
    ("Team", "OWNS", "Process"): ("ownedProcesses", "owners"),
    ("Team", "OWNS", "System"): ("ownedSystems", "owners"),
    ("Team", "OWNS", "Opportunity"): ("ownedOpportunities", "owners"),
    ("Team", "PERFORMS", "Process"): ("performedProcesses", "performers"),
    ("Person", "MEMBER_OF", "Team"): ("teams", "members"),
    ("Person", "REPORTS_TO", "Person"): ("manager", "reports"),
    ("Person", "LEADS", "Team"): ("leads", "leaders"),
    ("Opportunity", "ADDRESSES", "PainPoint"): ("painPoints", "opportunities"),
}

# The GraphQL list field of each label on Query (the lookup field is the label, camel-cased).
PLURALS = {
    "Person": "people",
    "Process": "processes",
    "Opportunity": "opportunities",
    "Feedback": "feedbackRecords",
}


@dataclass(frozen=True)
class Navigation:
    """One way to go from a node of `label` to its neighbours over a relationship."""

    label: str
    field: str
    type: str
    source: str
    target: str
    outgoing: bool
    single: bool
    """At most one neighbour (single-valued relationship, or its inverse is)."""

    @property
    def other(self) -> str:
        """The label at the far end."""
        return self.target if self.outgoing else self.source


@cache
def navigations() -> dict[str, tuple[Navigation, ...]]:
    """The navigation fields of each label, in the ontology's order of relationships."""
    schema = load_schema()
    found: dict[str, list[Navigation]] = {label: [] for label in sorted(schema.data_labels)}
    single_in = {
        (incoming.source, incoming.type, label)
        for label, node in schema.node_types.items()
        for incoming in node.incoming
        if incoming.max_count == 1
    }
    for rel in schema.relationship_types.values():
        for endpoint in rel.endpoints:
            for target in endpoint.targets:
                source = endpoint.source
                out_name, in_name = NAMES[(source, rel.type, target)]
                found[source].append(
                    Navigation(
                        source, out_name, rel.type, source, target, True, endpoint.max_count == 1
                    )
                )
                found[target].append(
                    Navigation(
                        target,
                        in_name,
                        rel.type,
                        source,
                        target,
                        False,
                        (source, rel.type, target) in single_in,
                    )
                )
    return {label: tuple(navs) for label, navs in found.items()}


def list_field(label: str) -> str:
    """Name of the Query field listing nodes of `label` (`teams`, `people`, …)."""
    return PLURALS.get(label, label[0].lower() + label[1:] + "s")


def lookup_field(label: str) -> str:
    """Name of the Query field giving one node of `label` by id (`team`, `painPoint`)."""
    return label[0].lower() + label[1:]
