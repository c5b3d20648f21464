// Lints Cypher as Neo4j 5 Cypher without a server, with Neo4j's own parser and
// semantic analysis from @neo4j-cypher/language-support, plus a schema pass of
// our own. Driven by queries/lint.py.
//
// stdin:  {"schema": {"labels": [], "relationshipTypes": [], "propertyKeys": []},
//          "queries": [{"name": "...", "text": "..."}]}
// stdout: {"results": [{"name": "...", "problems": [{"severity": "error"|"warning",
//          "message": "...", "line": 1, "column": 1, "check": "neo4j"|"schema"}]}]}
import {
  CypherLanguageService,
  isNotParamError,
  lintCypherQuery,
  testData,
} from '@neo4j-cypher/language-support';

const CYPHER_5 = 'CYPHER 5';
const ERROR = 1; // vscode DiagnosticSeverity.Error; everything else is a warning

// The package needs the server's function and procedure signatures (without them it
// checks no function or procedure at all). It ships the ones of a current Neo4j as
// test data; keep the built-in ones only, since APOC and GDS are plugins.
function signatures(registry, keep) {
  return Object.fromEntries(Object.entries(registry).filter(([name, sig]) => keep(name, sig)));
}

function dbSchemaFor(schema) {
  const mock = testData.mockSchema;
  return {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    // Statements without a CYPHER prefix are analysed as Cypher 5 (also the
    // package's default, set here so that a change of default cannot slip in).
    defaultLanguage: CYPHER_5,
    functions: { [CYPHER_5]: signatures(mock.functions[CYPHER_5], (_, fn) => fn.isBuiltIn) },
    procedures: {
      [CYPHER_5]: signatures(mock.procedures[CYPHER_5], (name) => !/^(apoc|gds)\./.test(name)),
    },
  };
}

function problem(severity, message, line, column, check) {
  return { severity, message, line, column, check };
}

// --- the schema pass -------------------------------------------------------------
// lintCypherQuery leaves out labels, relationship types and property keys of
// CREATE / MERGE / SET / REMOVE (they could be new) and any property key that the
// query writes somewhere. Here every label and relationship type, wherever it is,
// must be in the schema, and so must every property key of a node or relationship:
// in a pattern (n {k: 1}), SET n.k / SET n = {k: 1} / SET n += {k: 1}, REMOVE n.k,
// index and constraint commands ON (n.k), and n.k / n {.k} where n is a variable
// that a pattern binds to a node or relationship. Keys of other values (UNWIND rows,
// map parameters, maps, function results: row.props, $map.k, date().year) are not
// property keys, and are not checked.

const LABEL = 'Label';
const REL_TYPE = 'Relationship type';
const EITHER = 'Label or relationship type';

// Parent rule of a symbolicNameString that names a label or relationship type.
const NAME_PARENTS = {
  labelType: LABEL, // SET n:L, REMOVE n:L, schema commands
  nodeLabelsIs: LABEL, // SET n IS L
  insertNodeLabelExpression: LABEL,
  relType: REL_TYPE,
  insertRelationshipLabelExpression: REL_TYPE,
  labelOrRelType: EITHER, // USING INDEX n:L(key)
  labelExpression1: null, // (n:L), [:T], WHERE n:L: decided by where the expression is
};

function unquote(name) {
  return name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name;
}

// Rules whose `variable` child is bound to a node or relationship: (n), [r], also in
// pattern comprehensions, EXISTS / COUNT { ... } and pattern predicates.
const ENTITY_BINDERS = new Set([
  'nodePattern',
  'relationshipPattern',
  'insertNodePattern',
  'insertRelationshipPattern',
]);

function schemaProblems(statement, schema) {
  const ruleNames = statement.parser.ruleNames;
  const rule = (node) => (node?.ruleIndex === undefined ? undefined : ruleNames[node.ruleIndex]);
  const found = [];
  const otherKeys = new Set(); // offsets of keys .k of values not known to be nodes or rels
  const report = (kind, node, known) => {
    const name = unquote(node.getText());
    if (!known.has(name)) found.push({ kind, name, token: node.start });
  };

  // The variable that an expression consists of, as in RETURN n or WITH n AS m, else
  // undefined (n.k, f(n), (n), [n], $p ...).
  function bareVariable(node) {
    while (node && rule(node) !== 'variable') {
      if (node.getChildCount() !== 1) return undefined;
      node = node.children[0];
      if (rule(node) === undefined) return undefined; // a token: a literal, *, ...
    }
    return node && unquote(node.getText());
  }

  // Names of variables that hold a node or relationship somewhere in the statement:
  // those a pattern binds, and those a WITH / RETURN item makes of them (WITH n AS m).
  // Scopes (subqueries, UNION branches) are ignored: a name bound to a node anywhere
  // counts as a node everywhere. Anything else (UNWIND, YIELD, WITH expr AS x,
  // [x IN list | ...]) is not known to be a node and is not checked.
  function entityVariables(root) {
    const entities = new Set();
    const renames = [];
    (function collect(node) {
      const name = rule(node);
      if (name === undefined) return;
      if (name === 'variable' && ENTITY_BINDERS.has(rule(node.parent))) {
        entities.add(unquote(node.getText()));
      } else if (name === 'returnItem') {
        const from = bareVariable(node.children[0]);
        const alias = node.children.at(-1);
        if (from !== undefined && rule(alias) === 'variable') {
          renames.push([from, unquote(alias.getText())]);
        }
      }
      for (const child of node.children ?? []) collect(child);
    })(root);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [from, to] of renames) {
        if (entities.has(from) && !entities.has(to)) {
          entities.add(to);
          grew = true;
        }
      }
    }
    return entities;
  }
  const entities = entityVariables(statement.ctx);

  // Whether the key of a `property` (.k) is a property key of a node or relationship.
  function isEntityProperty(property) {
    const holder = property.parent;
    switch (rule(holder)) {
      case 'propertyList': // CREATE INDEX ... ON (n.k), constraints
      case 'enclosedPropertyList':
        return true;
      case 'mapProjectionElement': // n {.k}
        return entities.has(bareVariable(holder.parent.children[0]));
      case 'postFix': {
        // v.k only: in v.a.k, k is a key of the value of v.a, not of a node
        const expression2 = holder.parent;
        if (expression2.children[1] !== holder) return false;
        // SET v.k = 1 and REMOVE v.k work on nodes and relationships only
        if (['setItem', 'removeItem'].includes(rule(expression2.parent))) return true;
        const variable = bareVariable(expression2.children[0]);
        return variable !== undefined && entities.has(variable);
      }
      default:
        return false;
    }
  }

  // A label expression's kind comes from the pattern holding it: (n:L) or [:T].
  function labelExpressionKind(node) {
    while (rule(node.parent)?.startsWith('labelExpression')) node = node.parent;
    const holder = rule(node) === 'labelExpression' ? rule(node.parent) : undefined;
    return { nodePattern: LABEL, relationshipPattern: REL_TYPE }[holder] ?? EITHER;
  }

  // Keys of a map literal are property keys only in a pattern, (n {k: 1}), or as the
  // whole right-hand side of SET n = {k: 1} / SET n += {k: 1}; not in RETURN {a: 1}.
  function isPropertyMap(map) {
    if (['properties', 'insertNodePattern', 'insertRelationshipPattern'].includes(rule(map.parent))) {
      return true;
    }
    let node = map;
    while (node.parent && node.parent.getChildCount() === 1) node = node.parent;
    const item = node.parent;
    return rule(item) === 'setItem' && rule(node) === 'expression' && rule(item.children[0]) === 'variable';
  }

  function visit(node) {
    const name = rule(node);
    // A token. A string is a single token and comments are not in the tree at all.
    if (name === undefined) return;
    const parent = rule(node.parent);
    if (name === 'symbolicNameString' && Object.hasOwn(NAME_PARENTS, parent)) {
      const kind = NAME_PARENTS[parent] ?? labelExpressionKind(node.parent);
      const known = {
        [LABEL]: schema.labels,
        [REL_TYPE]: schema.relationshipTypes,
        [EITHER]: schema.labelsOrTypes,
      }[kind];
      report(kind, node, known);
    } else if (name === 'propertyKeyName' && parent === 'property') {
      // n.k, n {.k}, ON (n.k); not row.k, $map.k, date().year
      if (isEntityProperty(node.parent)) report('Property key', node, schema.propertyKeys);
      else otherKeys.add(node.start.start);
    } else if (
      name === 'propertyKeyName' &&
      (parent === 'propertyExistsPredicate' || (parent === 'map' && isPropertyMap(node.parent)))
    ) {
      report('Property key', node, schema.propertyKeys);
    } else if (
      name === 'symbolicNameString' &&
      parent === 'nonEmptyNameList' &&
      // USING INDEX n:L(k1, k2), not JOIN ON a, b
      node.parent.parent.children.some((sibling) => rule(sibling) === 'labelOrRelType')
    ) {
      report('Property key', node, schema.propertyKeys);
    }
    for (const child of node.children ?? []) visit(child);
  }

  visit(statement.ctx);
  return { found, otherKeys };
}

// ---------------------------------------------------------------------------------

function lintOne(text, dbSchema, schema, service) {
  // CypherLanguageService.parse is TypeScript-private but the only way to the
  // package's parse tree (the generated parser is not exported). The self-test in
  // tests/queries/test_lint.py fails loudly if a new version changes this.
  const parsed = service.parse(text);
  const versionProblems = [];
  const found = [];
  const otherKeys = new Set();
  for (const statement of parsed.statementsParsing) {
    const version = statement.cypherVersion;
    if (version !== undefined && version !== CYPHER_5) {
      const { line, column } = statement.ctx.start;
      versionProblems.push(
        problem('error', `${version} is not Neo4j 5 Cypher; drop the prefix`, line, column + 1, 'neo4j'),
      );
    }
    // A tree with syntax errors has recovered nodes that would give false reports.
    if (statement.syntaxErrors.length > 0) continue;
    const result = schemaProblems(statement, schema);
    found.push(...result.found);
    for (const offset of result.otherKeys) otherKeys.add(offset);
  }

  const { diagnostics } = lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false });
  const own = diagnostics.filter(
    (d) =>
      // Parameters are supplied at run time, so "Parameter $x is not defined" is noise.
      isNotParamError(d) &&
      // The package also warns of keys of rows and maps in MATCH patterns:
      // MATCH (a {id: row.from}) gives "from is not present in the database".
      !(otherKeys.has(d.offsets.start) && d.message.includes('is not present in the database')),
  );
  const problems = own.map((d) =>
    problem(
      d.severity === ERROR ? 'error' : 'warning',
      d.message,
      d.range.start.line + 1,
      d.range.start.character + 1,
      'neo4j',
    ),
  );
  problems.push(...versionProblems);

  for (const { kind, name, token } of found) {
    // Skip what the package already reported at the same place.
    const dup = own.some((d) => d.offsets.start === token.start && d.message.includes(name));
    if (!dup) {
      const message = `${kind} ${name} is not in the schema`;
      problems.push(problem('warning', message, token.line, token.column + 1, 'schema'));
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const input = JSON.parse(await readStdin());
const dbSchema = dbSchemaFor(input.schema);
const schema = {
  labels: new Set(input.schema.labels),
  relationshipTypes: new Set(input.schema.relationshipTypes),
  labelsOrTypes: new Set([...input.schema.labels, ...input.schema.relationshipTypes]),
  propertyKeys: new Set(input.schema.propertyKeys),
};
const service = new CypherLanguageService({ consoleCommandsEnabled: false });
if (typeof service.parse !== 'function') {
  throw new Error('@neo4j-cypher/language-support changed: CypherLanguageService.parse is gone');
}
const results = input.queries.map(({ name, text }) => ({
  name,
  problems: lintOne(text, dbSchema, schema, service),
}));
process.stdout.write(JSON.stringify({ results }) + '\n');
