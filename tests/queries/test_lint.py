"""Self-test of the Cypher linter: each broken query must be reported, each valid one not.

It runs the real linter (node and `npm ci --prefix queries/lint` needed), so that an
upgrade of @neo4j-cypher/language-support cannot silently stop checking something.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from queries import lint
from queries.lint import LintProblem, LintSchema, LintUnavailable, lint_queries

SCHEMA = LintSchema(
    labels=frozenset({"Team", "Person", "Process", "System"}),
    relationship_types=frozenset({"MEMBER_OF", "PERFORMS", "USES"}),
    property_keys=frozenset({"id", "name", "layer"}),
)

# name -> (query, check, severity, text the message must contain, line, column of the culprit)
BROKEN: dict[str, tuple[str, str, str, str, int, int]] = {
    "syntax_error": ("MATCH (t:Team RETURN t", "neo4j", "error", "Invalid input 'RETURN'", 1, 15),
    "merge_unknown_label": ("MERGE (x:Teem {id: $id})", "schema", "warning", "Label Teem", 1, 10),
    "create_unknown_label": (
        "CREATE (p:Persn {id: $id, name: $name})",
        "schema",
        "warning",
        "Label Persn",
        1,
        11,
    ),
    "set_unknown_property": (
        "MATCH (t:Team {id: $id}) SET t.colour = $c",
        "schema",
        "warning",
        "Property key colour",
        1,
        32,
    ),
    "set_map_unknown_property": (
        "MATCH (t:Team {id: $id})\nSET t += {name: $name, colour: $c}",
        "schema",
        "warning",
        "Property key colour",
        2,
        24,
    ),
    "merge_map_unknown_property": (
        "MERGE (t:Team {id: $id, colour: $c})",
        "schema",
        "warning",
        "Property key colour",
        1,
        25,
    ),
    "merge_unknown_rel_type": (
        "MATCH (p:Person {id: $p}), (t:Team {id: $t}) MERGE (p)-[:MEMBER_IN]->(t)",
        "schema",
        "warning",
        "Relationship type MEMBER_IN",
        1,
        58,
    ),
    "remove_unknown_label": (
        "MATCH (t:Team) REMOVE t:Old",
        "schema",
        "warning",
        "Label Old",
        1,
        25,
    ),
    "projection_unknown_property": (
        "MATCH (t:Team) RETURN t {.id, .colour} AS team",
        "schema",
        "warning",
        "Property key colour",
        1,
        32,
    ),
    "set_unknown_property_row_value": (
        "UNWIND $rows AS row MERGE (n:Team {id: row.id}) SET n.colour = row.c",
        "schema",
        "warning",
        "Property key colour",
        1,
        55,
    ),
    "remove_unknown_property": (
        "MATCH (t:Team) REMOVE t.colour",
        "schema",
        "warning",
        "Property key colour",
        1,
        25,
    ),
    "index_unknown_property": (
        "CREATE INDEX team_colour IF NOT EXISTS FOR (n:Team) ON (n.colour)",
        "schema",
        "warning",
        "Property key colour",
        1,
        59,
    ),
    "with_unknown_property": (
        "MATCH (t:Team) WITH t RETURN t.colour",
        "neo4j",
        "warning",
        "colour",
        1,
        32,
    ),
    "return_projection_unknown_property": (
        "MATCH (t:Team) RETURN t {.colour} AS x",
        "schema",
        "warning",
        "Property key colour",
        1,
        27,
    ),
    "rel_unknown_property": (
        "MATCH (:Person)-[m:MEMBER_OF]->(:Team) RETURN m.since_when",
        "neo4j",
        "warning",
        "since_when",
        1,
        49,
    ),
    # Write queries, which the package leaves to the schema pass: a node passed on by
    # WITH, as itself or renamed, or returned from a subquery is still a node.
    "with_node_unknown_property": (
        "MATCH (t:Team) WITH t MERGE (x:Team {id: t.colour})",
        "schema",
        "warning",
        "Property key colour",
        1,
        44,
    ),
    "with_alias_unknown_property": (
        "MATCH (t:Team) WITH t AS m MERGE (x:Team {id: m.colour})",
        "schema",
        "warning",
        "Property key colour",
        1,
        49,
    ),
    "subquery_alias_unknown_property": (
        "MATCH (t:Team) CALL (t) { RETURN t AS u } MERGE (x:Team {id: u.colour})",
        "schema",
        "warning",
        "Property key colour",
        1,
        64,
    ),
    "comprehension_unknown_property": (
        "MATCH (t:Team) RETURN [(t)<-[:MEMBER_OF]-(p:Person) | p.colour] AS x",
        "neo4j",
        "warning",
        "colour",
        1,
        57,
    ),
    "match_unknown_label": ("MATCH (t:Teem) RETURN t.id", "neo4j", "warning", "Teem", 1, 10),
    "match_unknown_rel_type": (
        "MATCH (p:Person)-[:MEMBER]->(t:Team) RETURN t.id",
        "neo4j",
        "warning",
        "MEMBER",
        1,
        20,
    ),
    "return_unknown_property": (
        "MATCH (t:Team) RETURN t.colour",
        "neo4j",
        "warning",
        "colour",
        1,
        25,
    ),
    "old_parameter_syntax": (
        "MATCH (t:Team) WHERE t.id = {id} RETURN t",
        "neo4j",
        "error",
        "Invalid input",
        1,
        32,
    ),
    "exists_property": (
        "MATCH (t:Team) WHERE exists(t.name) RETURN t",
        "neo4j",
        "error",
        "IS NOT NULL",
        1,
        22,
    ),
    "importing_with_subquery": (
        "MATCH (t:Team) CALL { WITH t MATCH (t)<-[:MEMBER_OF]-(p:Person) RETURN count(p) AS n }"
        " RETURN t.id AS id, n",
        "neo4j",
        "warning",
        "CALL (t) { ... }",
        1,
        16,
    ),
    "removed_procedure": ("CALL db.indexes()", "neo4j", "error", "db.indexes", 1, 6),
    "unknown_function": (
        "MATCH (t:Team) RETURN toLowerCase(t.name)",
        "neo4j",
        "error",
        "Function toLowerCase",
        1,
        23,
    ),
    # Cypher 25 only: shows the analysis runs as Cypher 5.
    "cypher_25_clause": (
        "MATCH (t:Team) FILTER t.id = $id RETURN t",
        "neo4j",
        "error",
        "Invalid input 'FILTER'",
        1,
        16,
    ),
    "cypher_25_prefix": (
        "CYPHER 25 MATCH (t:Team) RETURN t.id",
        "neo4j",
        "error",
        "CYPHER 25",
        1,
        1,
    ),
}

VALID: dict[str, str] = {
    "unwind_merge": "UNWIND $rows AS r MERGE (t:Team {id: r.id}) SET t.name = r.name",
    # Keys of rows, maps, parameters and function results are not property keys.
    "unwind_row_key": "UNWIND $rows AS r MERGE (t:Team {id: r.id}) SET t.name = r.title",
    "unwind_return_row_key": "UNWIND $rows AS r RETURN r.title AS t",
    "map_key": "WITH {a: 1} AS m RETURN m.a AS a",
    "match_map_key": "WITH {a: 1} AS m MATCH (t:Team {id: m.a}) RETURN t.id AS id",
    "parameter_and_function_keys": (
        "MATCH (p:Process {id: $p.from}) RETURN p.id AS id, date().year AS y, $p.to AS to"
    ),
    "generated_node_write": "UNWIND $rows AS row MERGE (n:Team {id: row.id}) SET n += row.props",
    "generated_relationship_write": (
        "UNWIND $rows AS row MATCH (a:Process {id: row.from}) MATCH (b:System {id: row.to}) "
        "MERGE (a)-[r:USES]->(b) SET r += row.props"
    ),
    "projection": (
        "MATCH (p:Person)-[:MEMBER_OF]->(t:Team) "
        "RETURN t {.id, .name} AS team, count(p) AS members ORDER BY members DESC"
    ),
    "projection_alias_and_all": "MATCH (t:Team) RETURN t {.id, label: t.name, .*} AS team",
    "map_literal": "MATCH (t:Team) WHERE t.name CONTAINS $q RETURN t.id AS id, {a: 1} AS m",
    "optional_collect_coalesce": (
        "MATCH (t:Team {id: $id})\n"
        "OPTIONAL MATCH (t)<-[:MEMBER_OF]-(p:Person)\n"
        "WITH t, collect(DISTINCT p.name) AS names\n"
        "RETURN coalesce(t.name, t.id) AS name,\n"
        "       [n IN names WHERE n IS NOT NULL | toLower(n)] AS members, size(names) AS size"
    ),
    "pattern_predicate": "MATCH (t:Team) WHERE (t)<-[:MEMBER_OF]-(:Person) RETURN t.id AS id",
    "comment_and_string": (
        "// note: (:Bogus {colour: 1})\n"
        "MATCH (t:Team) WHERE t.name <> ':Bogus {colour: 1}' /* t.colour */\n"
        "RETURN t.id AS id // :Bogus"
    ),
    "builtins": (
        "MATCH path = (p:Person)-[:MEMBER_OF*1..2]->(t:Team)\n"
        "RETURN labels(p) AS l, type(last(relationships(path))) AS r, length(path) AS n,\n"
        "       head(nodes(path)).id AS first, keys(t) AS k, range(1, 3) AS xs,\n"
        "       toString(min(t.layer)) AS lo, toInteger(max(t.layer)) AS hi,\n"
        "       toFloat(avg(t.layer)) AS mean, sum(t.layer) AS total, date() AS today"
    ),
    "performs": "MATCH (:Person)-[:PERFORMS]->(x:Process) RETURN x.layer AS layer, count(*) AS n",
    "set_map": "MATCH (t:Team {id: $id}) SET t += {name: $name, layer: $layer}",
    "scoped_subquery": (
        "MATCH (t:Team) CALL (t) { MATCH (t)<-[:MEMBER_OF]-(p:Person) RETURN count(p) AS n }"
        " RETURN t.id AS id, n"
    ),
    "db_labels": "CALL db.labels() YIELD label RETURN label",
    "db_relationship_types": (
        "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"
    ),
    "db_property_keys": "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
}


@pytest.fixture(scope="module")
def problems() -> dict[str, list[LintProblem]]:
    """All queries linted in one batch, as the project does; problems by query name."""
    queries = {name: case[0] for name, case in BROKEN.items()} | VALID
    by_query: dict[str, list[LintProblem]] = defaultdict(list)
    for problem in lint_queries(queries, SCHEMA):
        by_query[problem.query].append(problem)
    return by_query


@pytest.mark.parametrize("name", BROKEN)
def test_broken_query_is_reported(name: str, problems: dict[str, list[LintProblem]]) -> None:
    _, check, severity, culprit, line, column = BROKEN[name]
    found = problems[name]
    assert any(
        p.check == check
        and p.severity == severity
        and culprit in p.message
        and (p.line, p.column) == (line, column)
        for p in found
    ), f"{name}: expected {severity} [{check}] '{culprit}' at {line}:{column}, got " + "; ".join(
        map(str, found)
    )


@pytest.mark.parametrize("name", VALID)
def test_valid_query_has_no_problems(name: str, problems: dict[str, list[LintProblem]]) -> None:
    assert [str(p) for p in problems[name]] == []


def test_problem_str() -> None:
    problem = LintProblem("q", "warning", "Label X is not in the schema", 2, 7, "schema")
    assert str(problem) == "q:2:7: warning [schema] Label X is not in the schema"


def test_unavailable_without_node_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lint, "LINT_DIR", tmp_path)
    with pytest.raises(LintUnavailable, match="npm ci --prefix queries/lint"):
        lint_queries({"q": "RETURN 1"}, SCHEMA)


def test_unavailable_without_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LintUnavailable, match="node is not on PATH"):
        lint_queries({"q": "RETURN 1"}, SCHEMA)
