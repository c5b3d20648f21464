"""The read-only guard for analysts' Cypher and the engine layer behind it.

A corpus of attempts to write or escape, each refused with what and where; a corpus of real
reads that pass and run on the demo company; every named query judged as the engine judges
it; a write slipped past the guard refused by the engine; the timeout and the row cap; and
both corpora checked against Neo4j's own parser.

The corpora are analysts' input, written here on purpose: the project's own Cypher stays in
queries/cypher.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any, NamedTuple

import pytest

from queries.console import AD_HOC, run_cypher, run_named
from queries.errors import QueryError, QueryRefused
from queries.falkor import FalkorStore
from queries.guard import (
    FUNCTION_NAMESPACES,
    READ_PROCEDURES,
    Kind,
    check_read_only,
    is_complete,
    parameters,
    split_statements,
    statement_text,
    tokenize,
)
from queries.lint import LINT_DIR
from queries.registry import NamedQuery, all_queries
from queries.store import GraphStore


class Refused(NamedTuple):
    text: str
    message: str
    """Expected in the error's text: what was refused, and where."""
    neo4j: bool = True
    """Whether Neo4j's parser, too, finds a write, an administration command, a procedure or
    function outside the allow-lists or a second statement in it (False: refused for a
    lexical reason, or a query option)."""


REFUSED = [
    # clauses that write
    Refused("CREATE (n:Team {id: 'x'})", "line 1, column 1: CREATE writes to the graph"),
    Refused("MATCH (n:Team) SET n.name = 'x'", "line 1, column 16: SET writes to the graph"),
    Refused("MATCH (n) DETACH DELETE n", "line 1, column 11: DETACH writes to the graph"),
    Refused("MATCH (n) DELETE n", "line 1, column 11: DELETE writes to the graph"),
    Refused("MATCH (n) NODETACH DELETE n", "line 1, column 11: NODETACH writes to the graph"),
    Refused("MATCH (n:Team) REMOVE n.name", "line 1, column 16: REMOVE writes to the graph"),
    Refused("MERGE (n:Team {id: 'x'}) RETURN n", "line 1, column 1: MERGE writes to the graph"),
    Refused("INSERT (:Team {id: 'x'})", "line 1, column 1: INSERT writes to the graph"),
    Refused(
        "UNWIND [1] AS x FOREACH (i IN [x] | CREATE (:Team))",
        "line 1, column 17: FOREACH writes to the graph",
    ),
    Refused("match (n) detach delete n", "line 1, column 11: detach writes to the graph"),
    Refused("MATCH (n:Team)\nWITH n\n  SET n.x = 1", "line 3, column 3: SET writes"),
    Refused("MATCH (n)\r\nDELETE n", "line 2, column 1: DELETE writes"),
    Refused("CALL db.labels() YIELD label CREATE (:Team)", "line 1, column 30: CREATE writes"),
    Refused("MATCH (n) CALL (n) { SET n.x = 1 } RETURN 1", "line 1, column 22: SET writes"),
    Refused(
        "MATCH (n) WHERE EXISTS { MATCH (n) CREATE (m) } RETURN n", "line 1, column 36: CREATE"
    ),
    Refused(
        "MATCH (t:Team)\nRETURN t.id AS set\nORDER BY set",
        "line 2, column 16: set writes to the graph; only reads are allowed "
        "(a name spelled like it needs backticks: `set`)",
        neo4j=False,
    ),
    # files, transactions of their own, other databases, administration
    Refused(
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "line 1, column 1: LOAD CSV reads files or URLs on the server",
    ),
    Refused(
        "load csv with headers from 'https://example.com/x.csv' AS r RETURN r",
        "line 1, column 1: load csv reads files or URLs",
    ),
    Refused(
        "CALL { MATCH (n) RETURN n } IN TRANSACTIONS OF 10 ROWS RETURN 1",
        "line 1, column 32: TRANSACTIONS: CALL { } IN TRANSACTIONS commits on its own",
    ),
    Refused(
        "CALL { MATCH (n) RETURN n } IN 4 CONCURRENT TRANSACTIONS RETURN 1",
        "line 1, column 34: CONCURRENT",
    ),
    Refused("CREATE INDEX FOR (n:Team) ON (n.name)", "line 1, column 1: CREATE writes"),
    Refused("CREATE CONSTRAINT c FOR (n:Team) REQUIRE n.id IS UNIQUE", "line 1, column 1: CREATE"),
    Refused("DROP INDEX team_name", "line 1, column 1: DROP is an administration command"),
    Refused("DROP CONSTRAINT c", "line 1, column 1: DROP is an administration command"),
    Refused("SHOW INDEXES", "line 1, column 1: SHOW commands are not allowed"),
    Refused("SHOW USERS YIELD user RETURN user", "line 1, column 1: SHOW commands"),
    Refused(
        "USE system SHOW DATABASES", "line 1, column 1: USE switches to another database or graph"
    ),
    Refused("WITH 1 AS x CALL { USE other MATCH (n) RETURN n } RETURN x", "line 1, column 20: USE"),
    Refused("START DATABASE neo4j", "line 1, column 1: START DATABASE is an administration"),
    Refused("STOP DATABASE neo4j", "line 1, column 1: STOP DATABASE is an administration"),
    Refused("GRANT ROLE admin TO analyst", "line 1, column 1: GRANT is an administration"),
    Refused("ALTER USER neo4j SET PASSWORD 'x'", "line 1, column 1: ALTER is an administration"),
    Refused("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "line 1, column 1: TERMINATE"),
    # procedures and functions outside the allow-lists
    Refused(
        "CALL apoc.create.node(['Team'], {id: 'x'})",
        "line 1, column 6: procedure apoc.create.node is not allowed here",
    ),
    Refused("CALL dbms.killQuery('q')", "procedure dbms.killQuery is not allowed"),
    Refused("CALL db.createLabel('X')", "procedure db.createLabel is not allowed"),
    Refused(
        "CALL db.idx.fulltext.createNodeIndex('Team', 'name')",
        "procedure db.idx.fulltext.createNodeIndex is not allowed",
    ),
    Refused("CALL algo.pageRank('Team', 'PART_OF')", "procedure algo.pageRank is not allowed"),
    Refused("CALL `apoc`.`load`.json('http://x')", "procedure apoc.load.json is not allowed"),
    Refused("OPTIONAL CALL apoc.util.sleep(100000)", "line 1, column 15: procedure apoc.util"),
    Refused(
        "RETURN apoc.text.join(['a'], ',')",
        "line 1, column 8: function apoc.text.join is not allowed here",
    ),
    Refused("RETURN `apoc.text.join`(['a'], ',')", "function apoc.text.join is not allowed"),
    # several statements
    Refused(
        "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
        "line 1, column 21: a second statement starts here",
    ),
    Refused("RETURN 1;;", "line 1, column 10: a second statement starts here"),
    # unicode tricks
    Refused(
        "\uff23\uff32\uff25\uff21\uff34\uff25 (n)",
        "line 1, column 1: non-ASCII character '\uff23' (U+FF23 FULLWIDTH LATIN CAPITAL LETTER C) "
        "in the name '\uff23\uff32\uff25\uff21\uff34\uff25', reads as 'CREATE'",
        neo4j=False,
    ),
    Refused("\u0421REATE (n)", "U+0421 CYRILLIC CAPITAL LETTER ES", neo4j=False),
    Refused("MATCH (n) RETURN n \u039fRDER BY n.id", "line 1, column 20: non-ASCII", neo4j=False),
    Refused(
        "MATCH (n) DE\u200bTACH DELETE n",
        "line 1, column 13: invisible character U+200B ZERO WIDTH SPACE",
        neo4j=False,
    ),
    Refused(
        "MATCH (n)\u00a0RETURN n",
        "line 1, column 10: unusual space character U+00A0 NO-BREAK SPACE",
        neo4j=False,
    ),
    Refused(
        "MATCH (n) RETURN n // a comment\u2028CREATE (m)",
        "invisible character U+2028 LINE SEPARATOR in a comment",
        neo4j=False,
    ),
    Refused(
        "/* \u202e */ MATCH (n) RETURN n",
        "line 1, column 4: invisible character U+202E RIGHT-TO-LEFT OVERRIDE in a comment",
        neo4j=False,
    ),
    Refused("RETURN 'a' \ufeffCREATE (n)", "line 1, column 12: invisible", neo4j=False),
    Refused("RETURN 1\uff1bCREATE (n)", "look-alike character '\uff1b'", neo4j=False),
    Refused(
        "MATCH \uff08n\uff09 RETURN n",
        "(U+FF08 FULLWIDTH LEFT PARENTHESIS) (reads as '(')",
        neo4j=False,
    ),
    Refused("MATCH (n) RETURN n\x00", "invisible character U+0000", neo4j=False),
    Refused("RETURN 'x\x00y'", "line 1, column 10: character U+0000", neo4j=False),
    Refused("MATCH (`team\u200b`) RETURN 1", "invisible character U+200B", neo4j=False),
    # strings, escapes, comments, numbers: where the engines' lexers end them
    Refused("RETURN 'it\\'s' CREATE (n)", "line 1, column 16: CREATE writes"),
    Refused('RETURN "a\\"b" SET x.y = 1', "line 1, column 15: SET writes"),
    Refused("RETURN 'a\\\n' + 1 CREATE (m)", "line 2, column 7: CREATE writes"),
    Refused("MATCH (n) RETURN n \\\nCREATE (m)", "unexpected character '\\\\'", neo4j=False),
    Refused("MATCH (n) RETURN n /* unterminated CREATE", "unterminated comment", neo4j=False),
    Refused("RETURN 'unterminated", "line 1, column 8: unterminated string", neo4j=False),
    Refused("RETURN `unterminated", "unterminated quoted name", neo4j=False),
    Refused("RETURN 1SET", "line 1, column 8: a number runs into a name", neo4j=False),
    Refused("RETURN s'{1}'", "a name runs into a string", neo4j=False),
    Refused("RETURN 1 # comment", "unexpected character '#'", neo4j=False),
    # query options, parameters, nothing at all
    Refused("EXPLAIN MATCH (n) RETURN n", "EXPLAIN: query options", neo4j=False),
    Refused("PROFILE MATCH (n) RETURN n", "PROFILE: query options", neo4j=False),
    Refused("CYPHER runtime=slotted MATCH (n) RETURN n", "CYPHER: query options", neo4j=False),
    Refused("RETURN $`a b`", "parameter names must be plain names", neo4j=False),
    Refused("", "the query is empty", neo4j=False),
    Refused("   // nothing\n/* here */ ;", "the query is empty", neo4j=False),
]

ALLOWED: list[tuple[str, dict[str, Any]]] = [
    ("RETURN 'CREATE' AS word", {}),
    ('RETURN "MERGE (n) SET n.x = 1; DROP INDEX x" AS text', {}),
    ("MATCH (t:Team) RETURN t.id AS id ORDER BY id LIMIT 5", {}),
    ("MATCH (t:Team)-[:PART_OF]->(p:Team) RETURN t.id AS team, p.id AS parent ORDER BY team", {}),
    ("// a comment with CREATE and DELETE\nMATCH (t:Team) RETURN count(t) AS teams", {}),
    ("/* SET n.x = 1; DROP INDEX i */ MATCH (p:PainPoint) RETURN count(p) AS painPoints;", {}),
    ("MATCH (t:Team) RETURN t {.id, .name} AS team ORDER BY team.id LIMIT 2", {}),
    ("MATCH (t:Team) RETURN t.`name` AS `create`, t.id AS `delete` ORDER BY `delete` LIMIT 1", {}),
    ("CALL db.labels() YIELD label RETURN label ORDER BY label", {}),
    ("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType", {}),
    ("CALL db.propertyKeys() YIELD propertyKey RETURN count(propertyKey) AS keys", {}),
    (
        "UNWIND $ids AS id MATCH (p:PainPoint {id: id}) RETURN p.name AS name",
        {"ids": ["pp-switch-hidden-fees"]},
    ),
    ("MATCH (n:Team) WHERE n.id = $id RETURN labels(n)[0] AS label", {"id": "team-web"}),
    ("WITH {set: 1, delete: 2, merge: 3} AS m RETURN m.set + m.delete + m.merge AS total", {}),
    (
        "MATCH (s:System) OPTIONAL MATCH (s)<-[:OWNS]-(t:Team) "
        "RETURN s.id AS system, collect(t.id) AS owners ORDER BY system",
        {},
    ),
    ("UNWIND range(1, 3) AS x RETURN x UNION ALL UNWIND [4] AS x RETURN x", {}),
    ("WITH 1 AS start RETURN start + 1 AS stop", {}),
    ("RETURN toUpper('a') AS up, size(['a', 'b']) AS items", {}),
    (
        "MATCH (tp:Touchpoint)<-[:OCCURS_AT]-(pp:PainPoint) WITH tp, count(pp) AS pains "
        "WHERE pains > 1 RETURN tp.id AS touchpoint, pains ORDER BY pains DESC, touchpoint",
        {},
    ),
    (
        "MATCH (p:Process) WHERE p.layer IN ['backstage', 'support'] "
        "RETURN p.layer AS layer, count(*) AS processes ORDER BY layer",
        {},
    ),
    ("RETURN 'it\\'s' AS a, \"say \\\"hi\\\"\" AS b, 'back\\\\slash' AS c", {}),
    ("MATCH (t:Team {id: 'team-web'})\r\nRETURN t.name AS name", {}),
    ("RETURN 0x1F AS hex, 1.5e3 AS sci, .5 AS half, -2 AS neg", {}),
    (
        "MATCH (j:Journey) RETURN j.id AS id, [(j)-[:HAS_STAGE]->(s:Stage) | s.id] AS stages "
        "ORDER BY id",
        {},
    ),
    ("RETURN 'Équipe ✓ — \uff23\uff32\uff25\uff21\uff34\uff25 \u200b' AS unicode", {}),
    ("MATCH (`my team`:Team) RETURN `my team`.id AS id ORDER BY id LIMIT 1", {}),
    ("MATCH (n:Team) WHERE n.name STARTS WITH 'Cust' RETURN n.name AS name ORDER BY name", {}),
    (
        "MATCH (a:System)-[:DEPENDS_ON*1..3]->(b:System) "
        "RETURN DISTINCT a.id AS a, b.id AS b ORDER BY a, b",
        {},
    ),
    ("WITH 1 AS x CALL { WITH x RETURN x + 1 AS y } RETURN y", {}),
    ("MATCH (n:Team) RETURN n.id AS id, n.id ENDS WITH 'ops' AS ops ORDER BY id", {}),
]

ENGINE_REFUSES_WRITES = "read-only queries"
"""What FalkorDB says when GRAPH.RO_QUERY is given a query that writes."""


def _id(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")[:60] or "empty"


def engine_params(query: NamedQuery) -> dict[str, Any]:
    """Parameters that let any named query run: empty lists, numbers for the bounds."""
    params: dict[str, Any] = {p: [] for p in parameters(query.text)}
    return params | {k: 1 for k in ("limit", "skip", "end") if k in params}


@pytest.mark.parametrize(("text", "message"), [r[:2] for r in REFUSED], ids=_id)
def test_writes_and_escapes_are_refused_saying_what_and_where(text: str, message: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        check_read_only(text)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("text", "params"), ALLOWED, ids=lambda v: _id(v) if isinstance(v, str) else ""
)
def test_reads_pass(text: str, params: dict[str, Any]) -> None:
    check_read_only(text)


@pytest.mark.parametrize(
    ("text", "params"), ALLOWED, ids=lambda v: _id(v) if isinstance(v, str) else ""
)
async def test_reads_run_on_the_demo_data(
    demo_store: GraphStore, text: str, params: dict[str, Any]
) -> None:
    output = await run_cypher(demo_store, text, params)
    assert output.columns
    assert not output.truncated


async def test_the_reads_return_what_the_demo_holds(demo_store: GraphStore) -> None:
    web = await run_cypher(demo_store, ALLOWED[21][0])
    assert web.rows == [{"name": "Web & CMS"}]
    words = await run_cypher(demo_store, ALLOWED[0][0])
    assert words.columns == ["word"]
    assert words.rows == [{"word": "CREATE"}]
    union = await run_cypher(demo_store, ALLOWED[15][0])
    assert [row["x"] for row in union.rows] == [1, 2, 3, 4]


async def test_every_named_query_is_judged_as_the_engine_judges_it(
    demo_store: GraphStore,
) -> None:
    """The guard lets through exactly the named queries that the engine runs read-only
    (GRAPH.RO_QUERY refuses the others): the files and the generated queries."""
    verdicts: dict[str, tuple[bool, bool]] = {}
    failed: dict[str, str] = {}
    for name, query in all_queries().items():
        try:
            await demo_store.execute(query, engine_params(query), write=False, max_rows=1)
            engine_reads = True
        except QueryError as exc:
            engine_reads = False
            if ENGINE_REFUSES_WRITES not in str(exc):
                failed[name] = str(exc)
        try:
            check_read_only(query.text)
            guard_reads = True
        except QueryRefused:
            guard_reads = False
        verdicts[name] = (engine_reads, guard_reads)
    assert failed == {}
    assert {name: v for name, v in verdicts.items() if v[0] != v[1]} == {}
    reads = {name for name, (engine_reads, _) in verdicts.items() if engine_reads}
    files = {name for name, q in all_queries().items() if q.path is not None}
    assert {"change/link_pain_point", "change/record_feedback"} <= files - reads
    assert {"feedback/measure", "feedback/evidence"} <= reads
    assert {"painpoint/affecting_teams", "graph/is_empty", "runs/list"} <= reads
    assert not any(name.startswith("upsert/") for name in reads)


async def test_read_only_named_queries_run_through_run_named(demo_store: GraphStore) -> None:
    output = await run_named(demo_store, "graph/is_empty")
    assert output.rows == [{"empty": False}]
    teams = await run_named(
        demo_store, "painpoint/affecting_teams", {"ids": ["pp-switch-hidden-fees"]}, limit=None
    )
    assert teams.rows == await demo_store.read(
        "painpoint/affecting_teams", {"ids": ["pp-switch-hidden-fees"]}
    )
    assert {row["team"]["name"] for row in teams.rows} >= {"Web & CMS", "Commercial"}


async def test_named_queries_that_write_are_refused_at_their_line(demo_store: GraphStore) -> None:
    query = all_queries()["change/link_pain_point"]
    params = {"painPoint": "pp-switch-hidden-fees", "touchpoint": "x", "run": {}, "source": "s"}
    with pytest.raises(QueryRefused) as refused:
        await run_named(demo_store, "change/link_pain_point", params)
    assert "change/link_pain_point is not a read-only query: CREATE writes" in str(refused.value)
    assert query.path is not None
    lines = query.path.read_text(encoding="utf-8").splitlines()
    assert refused.value.line is not None
    assert lines[refused.value.line - 1].startswith("CREATE")


async def test_a_write_slipped_past_the_guard_is_refused_by_the_engine(
    demo_store_copy: FalkorStore,
) -> None:
    for text in ("CREATE (:Team {id: 'team-slipped'})", "MATCH (t:Team) SET t.name = 'x'"):
        slipped = NamedQuery(AD_HOC, text, "", None, 1)
        with pytest.raises(QueryError, match=ENGINE_REFUSES_WRITES):
            await demo_store_copy.execute(slipped, {}, write=False, timeout_s=5, max_rows=10)
    found = await run_cypher(
        demo_store_copy, "MATCH (t:Team) WHERE t.id = 'team-slipped' OR t.name = 'x' RETURN t.id"
    )
    assert found.rows == []


async def test_write_mode_skips_the_guard_and_writes(demo_store_copy: FalkorStore) -> None:
    output = await run_cypher(
        demo_store_copy, "CREATE (t:Team {id: $id}) RETURN t.id AS id;", {"id": "t-x"}, write=True
    )
    assert output.rows == [{"id": "t-x"}]
    assert output.counters["nodes_created"] == 1


async def test_the_row_cap_fetches_one_row_more_to_tell_the_result_was_cut(
    demo_store: GraphStore,
) -> None:
    text = "UNWIND range(1, 25) AS x RETURN x"
    cut = await run_cypher(demo_store, text, limit=10)
    assert [row["x"] for row in cut.rows] == list(range(1, 11))
    assert cut.truncated
    assert cut.limit == 10
    whole = await run_cypher(demo_store, text, limit=25)
    assert len(whole.rows) == 25
    assert not whole.truncated
    assert len((await run_cypher(demo_store, text, limit=None)).rows) == 25
    empty = await run_cypher(demo_store, "MATCH (n:Team {id: 'nobody'}) RETURN n.id AS id")
    assert empty.columns == ["id"]
    assert empty.rows == []


async def test_the_timeout_stops_a_long_query(demo_store: GraphStore) -> None:
    # a cartesian product of every node, three times: minutes of work, no memory to speak of
    # (a long range() would not do: FalkorDB builds the whole list before the timeout acts)
    long = "MATCH (a), (b), (c) WHERE a.id < b.id AND b.id < c.id RETURN count(*) AS n"
    with pytest.raises(QueryError, match="timed out"):
        await run_cypher(demo_store, long, timeout_s=0.05)


async def test_ad_hoc_queries_are_counted_under_their_own_name(demo_store: GraphStore) -> None:
    before = demo_store.stats.by_query.get(AD_HOC, 0)
    await run_cypher(demo_store, "RETURN 1 AS one")
    assert demo_store.stats.by_query[AD_HOC] == before + 1


async def test_parameters_must_be_given_and_plain(demo_store: GraphStore) -> None:
    uses_ids = "UNWIND $ids AS id RETURN id"
    with pytest.raises(QueryRefused, match=r"missing parameter \$ids"):
        await run_cypher(demo_store, uses_ids, {"id": ["x"]})
    # parameters a statement does not use are not sent (a console keeps them for later ones)
    output = await run_cypher(demo_store, uses_ids, {"ids": ["a"], "other": 1})
    assert output.rows == [{"id": "a"}]
    with pytest.raises(QueryRefused, match=r"has no parameter \$other \(it uses none\)"):
        await run_named(demo_store, "graph/is_empty", {"other": 1})
    with pytest.raises(QueryRefused, match="plain names"):
        await run_cypher(demo_store, "RETURN 1 AS one", {"x=1 RETURN 2 //": 1})
    # the engine layer refuses such a name too: it would be Cypher in FalkorDB's header
    assert isinstance(demo_store, FalkorStore)
    query = NamedQuery(AD_HOC, "RETURN 1 AS one", "", None, 1)
    with pytest.raises(QueryError, match="plain names"):
        await demo_store.execute(query, {"x=1 RETURN 2 //": 1}, write=False)


def test_tokens_keep_strings_names_parameters_and_numbers_whole() -> None:
    tokens = tokenize("MATCH (`a``b`:Team {id: $id}) // CREATE\nRETURN 'x;y' AS s, 1.5e3, $0")
    assert [(t.kind, t.value) for t in tokens if t.kind is not Kind.PUNCTUATION] == [
        (Kind.WORD, "MATCH"),
        (Kind.NAME, "a`b"),
        (Kind.WORD, "Team"),
        (Kind.WORD, "id"),
        (Kind.PARAMETER, "id"),
        (Kind.WORD, "RETURN"),
        (Kind.STRING, "x;y"),
        (Kind.WORD, "AS"),
        (Kind.WORD, "s"),
        (Kind.NUMBER, "1.5e3"),
        (Kind.PARAMETER, "0"),
    ]
    assert parameters("RETURN $a, $b, '$c' // $d") == {"a", "b"}


def test_scripts_split_at_semicolons_outside_strings_and_comments() -> None:
    script = "RETURN ';' AS a; // one;\n  RETURN 2 /* ; */;\n\n// nothing here;\n"
    statements = split_statements(script)
    assert [(s.text, s.line, s.column) for s in statements] == [
        ("RETURN ';' AS a", 1, 1),
        ("// one;\n  RETURN 2 /* ; */", 1, 18),
    ]
    with pytest.raises(QueryRefused) as refused:
        check_read_only(statements[1].text + " SET")
    located = statements[1].locate(refused.value)
    assert (located.line, located.column) == (2, 20)
    assert statement_text("RETURN 1 ; // done") == "RETURN 1"
    assert statement_text("RETURN ';'") == "RETURN ';'"


def test_a_console_statement_is_complete_at_its_semicolon() -> None:
    assert not is_complete("MATCH (n)\nRETURN n")
    assert not is_complete("RETURN 'a;")
    assert not is_complete("RETURN 1 /* ; */")
    assert not is_complete("RETURN 1 // ;")
    assert is_complete("MATCH (n)\nRETURN n;")
    assert is_complete("RETURN 1; // done")
    assert is_complete("RETURN 1 #;")  # refused later, with the reason


# --- Neo4j's own parser --------------------------------------------------------------------

_CLASSIFY = r"""
import { CypherLanguageService } from '@neo4j-cypher/language-support';
const WRITES = new Set(['createClause', 'insertClause', 'deleteClause', 'setClause',
  'removeClause', 'mergeClause', 'foreachClause', 'loadCSVClause', 'useClause', 'command',
  'subqueryInTransactionsParameters', 'composableCommandClauses']);
const service = new CypherLanguageService({ consoleCommandsEnabled: false });
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = texts.map((text) => {
  const parsed = service.parse(text);
  const info = { statements: 0, errors: 0, writes: [], procedures: [], functions: [] };
  for (const statement of parsed.statementsParsing) {
    const names = statement.parser.ruleNames;
    info.errors += statement.syntaxErrors.length;
    let empty = true; // a final ; leaves an empty statement behind it
    (function walk(node) {
      if (node.ruleIndex === undefined) return;
      const rule = names[node.ruleIndex];
      if (!['statementsOrCommands', 'statementOrCommand'].includes(rule)) empty = false;
      const plain = () => node.getText().replaceAll('`', '');
      if (WRITES.has(rule)) info.writes.push(rule);
      if (rule === 'procedureName') info.procedures.push(plain());
      if (rule === 'functionName') info.functions.push(plain());
      for (const child of node.children ?? []) walk(child);
    })(statement.ctx);
    if (!empty) info.statements += 1;
  }
  return info;
});
process.stdout.write(JSON.stringify(results));
"""


def neo4j_reads_only(info: dict[str, Any]) -> bool:
    """Whether Neo4j's parser sees one statement, without syntax errors, that neither
    writes nor administers and calls only allowed procedures and functions."""
    namespaces = {f.rsplit(".", 1)[0].lower() for f in info["functions"] if "." in f}
    return (
        info["statements"] == 1
        and info["errors"] == 0
        and not info["writes"]
        and set(info["procedures"]) <= READ_PROCEDURES
        and namespaces <= FUNCTION_NAMESPACES
    )


def classify_with_neo4j(texts: list[str]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: install Node.js, then `npm ci --prefix queries/lint`")
    run = subprocess.run(
        [node, "--input-type=module", "-e", _CLASSIFY],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout)
    return results


def test_neo4j_parser_agrees_with_the_guard() -> None:
    """What the guard lets through, Neo4j's parser reads as one statement that only reads;
    what it refuses for a clause, procedure or function, Neo4j's parser sees too."""
    accepted = [text for text, _ in ALLOWED]
    accepted += [q.text for q in all_queries().values() if _passes(q.text)]
    refused = [r.text for r in REFUSED if r.neo4j]
    infos = classify_with_neo4j(accepted + refused)
    assert [t for t, i in zip(accepted, infos, strict=False) if not neo4j_reads_only(i)] == []
    missed = [
        t for t, i in zip(refused, infos[len(accepted) :], strict=True) if neo4j_reads_only(i)
    ]
    assert missed == []


def _passes(text: str) -> bool:
    try:
        check_read_only(text)
    except QueryRefused:
        return False
    return True


# --- Neo4j ---------------------------------------------------------------------------------


@pytest.mark.neo4j
@pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set")
async def test_on_neo4j_a_slipped_write_is_refused_and_the_cap_stops_the_fetch() -> None:
    from queries.neo4j_store import Neo4jStore
    from tests.queries.test_neo4j import server

    where = server()
    store = await Neo4jStore.open(where.uri, where.user, where.password, where.database)
    try:
        slipped = NamedQuery(AD_HOC, "CREATE (:Team {id: 'team-cxgraph-slipped'})", "", None, 1)
        with pytest.raises(QueryError):
            await store.execute(slipped, {}, write=False, timeout_s=5)
        found = await run_cypher(store, "MATCH (t:Team {id: 'team-cxgraph-slipped'}) RETURN t.id")
        assert found.rows == []
        cut = await run_cypher(store, "UNWIND range(1, 5000) AS x RETURN x", limit=10)
        assert [row["x"] for row in cut.rows] == list(range(1, 11))
        assert cut.truncated
    finally:
        await store.close()
