// Pain-point page: the teams affecting it, drawn as a graph from the pain point through the
// touchpoint, processes and systems to the teams, one column per blueprint layer, with the
// evidence behind each link; the customers it hurts; the opportunities addressing it.
import { day, fragment, groupBy, h, num, plural, unique, words } from "../lib/dom.js";
import { layeredGraph } from "../lib/graph.js";
import { gql } from "../lib/gql.js";
import { hrefOf, linkList, linkTo, touchpointLink } from "../lib/links.js";
import { empty, layerBadge, momentOfTruthBadge, pagedList, roleText, section, severityBadge, stats, statusBadge, table } from "../lib/widgets.js";

const FEEDBACK = `feedback(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id kind date text metric score touchpoint { id name stage { journey { id } } } }
}`;

const QUERY = `
query PainPointPage($id: ID!, $first: Int = 5, $after: String = null) {
  painPoint(id: $id) {
    id name description severity category
    touchpoints(first: 20) { nodes { id name momentOfTruth stage { id name journey { id name } } } }
    ${FEEDBACK}
    affectingTeams { team { id name } role layer via { id name label } steps { id name label } rollUp { id name } }
    personasHit { mapped customers persona { id name } stages { id name journey { id name } } }
    initiatives { opportunity { id name status description } owners { id name } addresses { id name } }
  }
}`;

const MORE_FEEDBACK = `
query PainPointFeedback($id: ID!, $first: Int!, $after: String) {
  painPoint(id: $id) { ${FEEDBACK} }
}`;

const LAYERS = `query ProcessLayers($ids: [ID!]!) { processes(filter: { ids: $ids }, first: 100) { nodes { id layer } } }`;

const COLUMNS = [
  { key: "pain", label: "Pain point" },
  { key: "customer", label: "Touchpoint" },
  { key: "frontstage", label: "Frontstage" },
  { key: "backstage", label: "Backstage" },
  { key: "support", label: "Support" },
  { key: "system", label: "Systems" },
  { key: "team", label: "Teams" },
];

const LAYER_ORDER = ["CUSTOMER", "FRONTSTAGE", "BACKSTAGE", "SUPPORT", "SYSTEM"];

const KINDS = { PainPoint: "pain", Touchpoint: "customer", System: "system", Team: "team" };

const RELATION = {
  "PainPoint>Touchpoint": "occurs at",
  "Touchpoint>Process": "is supported by",
  "Process>Process": "is part of",
  "Process>System": "uses",
  "Touchpoint>System": "is supported by",
  "System>System": "depends on",
};

const TEAM_RELATION = {
  TOUCHPOINT_OWNER: "is owned by",
  PROCESS_OWNER: "is owned by",
  PROCESS_PERFORMER: "is performed by",
  SYSTEM_OWNER: "is owned by",
};

/** The graph's nodes and edges from the involvements; `layers` maps process ids to layers. */
export function evidenceGraph(painPoint, involvements, layers, journeyOf) {
  const nodes = new Map();
  const edges = new Map();
  const teamRoles = groupBy(involvements, (inv) => inv.team.id);
  involvements.forEach((inv, index) => {
    const key = `inv-${index}`;
    inv.steps.forEach((step, position) => {
      const column = step.label === "Process" ? (layers.get(step.id) ?? "backstage") : KINDS[step.label] ?? "system";
      if (!nodes.has(step.id)) {
        const roles = step.label === "Team" ? unique(teamRoles.get(step.id) ?? [], (i) => i.role).map((i) => roleText(i.role)) : [];
        nodes.set(step.id, {
          id: step.id,
          column,
          label: step.name ?? step.id,
          sub: step.label === "Team" ? plural((teamRoles.get(step.id) ?? []).length, "link") : step.label === "PainPoint" ? `severity ${painPoint.severity}` : null,
          kind: column,
          href: step.label === "PainPoint" ? null : hrefOf(step.label, step.id, step.label === "Touchpoint" ? journeyOf(step.id) : null),
          title: step.label === "Team" ? `${step.name}: ${roles.join(", ")}` : `${step.label}: ${step.name ?? step.id}`,
          paths: new Set(),
        });
      }
      nodes.get(step.id).paths.add(key);
      if (position === 0) return;
      const from = inv.steps[position - 1];
      const edgeKey = `${from.id}>${step.id}`;
      const relation = step.label === "Team" ? TEAM_RELATION[inv.role] : RELATION[`${from.label}>${step.label}`] ?? "leads to";
      if (!edges.has(edgeKey)) edges.set(edgeKey, { from: from.id, to: step.id, relations: new Set(), paths: new Set(), kind: step.label === "Team" ? "team" : null });
      const edge = edges.get(edgeKey);
      edge.relations.add(relation);
      edge.paths.add(key);
    });
  });
  for (const edge of edges.values()) {
    const a = nodes.get(edge.from);
    const b = nodes.get(edge.to);
    edge.title = `${a.label} ${[...edge.relations].join(" and ")} ${b.label}`;
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

function evidencePath(steps, journeyOf) {
  return h(
    "ol",
    { class: "path" },
    steps.filter((step) => step.label !== "PainPoint").map((step) => h("li", {}, linkTo(step.label, step, { journeyId: step.label === "Touchpoint" ? journeyOf(step.id) : null }), h("span", { class: "path__label" }, ` ${words(step.label)}`))),
  );
}

function feedbackItem(feedback) {
  return h(
    "div",
    { class: "feedback" },
    h("p", { class: "feedback__meta" }, h("strong", {}, words(feedback.kind)), ` · ${day(feedback.date)}`, feedback.metric ? ` · ${feedback.metric} ${num(feedback.score)}` : null, feedback.touchpoint ? [" · about ", touchpointLink(feedback.touchpoint)] : null),
    feedback.text ? h("blockquote", {}, feedback.text) : null,
  );
}

export async function render({ id, setTitle, NotFound }) {
  const { painPoint } = await gql(QUERY, { id });
  if (!painPoint) throw new NotFound("pain point", id);
  setTitle(`${painPoint.name} — pain point`);
  const involvements = painPoint.affectingTeams;
  const journeys = new Map(painPoint.touchpoints.nodes.map((tp) => [tp.id, tp.stage?.journey?.id ?? null]));
  const journeyOf = (touchpointId) => journeys.get(touchpointId) ?? null;

  // the layer of each process comes with its involvement; ask for any the answer leaves out
  const layers = new Map(involvements.filter((inv) => inv.via.label === "Process").map((inv) => [inv.via.id, inv.layer.toLowerCase()]));
  const missing = unique(involvements.flatMap((inv) => inv.steps).filter((step) => step.label === "Process" && !layers.has(step.id)));
  if (missing.length) {
    const data = await gql(LAYERS, { ids: missing.map((step) => step.id) });
    for (const process of data.processes.nodes) layers.set(process.id, process.layer.toLowerCase());
  }

  const teams = unique(involvements.map((inv) => inv.team));
  const graph = evidenceGraph(painPoint, involvements, layers, journeyOf);
  const where = painPoint.touchpoints.nodes;
  const customersByPersona = painPoint.personasHit.reduce((sum, hit) => sum + hit.customers, 0);

  const graphSection = involvements.length
    ? [
        h(
          "figure",
          { class: "graph-figure" },
          h(
            "div",
            { class: "scroll-x" },
            layeredGraph({
              ...graph,
              columns: COLUMNS,
              title: `Teams affecting “${painPoint.name}”`,
              desc: `${plural(teams.length, "team")} affect this pain point: ${teams.map((team) => team.name).join(", ")}. Each line runs from the pain point through its touchpoint, the processes and systems behind it, to a team that owns or performs them; the table below lists every path.`,
            }),
          ),
          h("figcaption", {}, "From the pain point (left) through the touchpoint, the processes by blueprint layer and the systems, to the teams (right). Point at or tab to a box to light up its paths."),
        ),
        table({
          caption: "Evidence: how each team is involved",
          columns: [{ label: "Team" }, { label: "Role" }, { label: "Layer" }, { label: "Through" }, { label: "Evidence path from the touchpoint" }, { label: "Part of" }],
          rows: [...involvements].sort((a, b) => a.team.name.localeCompare(b.team.name) || LAYER_ORDER.indexOf(a.layer) - LAYER_ORDER.indexOf(b.layer)),
          cells: (inv) => [
            linkTo("Team", inv.team),
            roleText(inv.role),
            layerBadge(inv.layer),
            linkTo(inv.via.label, inv.via, { journeyId: inv.via.label === "Touchpoint" ? journeyOf(inv.via.id) : null }),
            evidencePath(inv.steps, journeyOf),
            linkList("Team", inv.rollUp, "–"),
          ],
          pageSize: 50,
        }),
      ]
    : [empty("No team is linked to this pain point: its touchpoint has no owner, process or system.")];

  return fragment(
    h(
      "header",
      { class: "page-head" },
      h("p", { class: "kicker" }, "Pain point"),
      h("h1", {}, painPoint.name),
      painPoint.description ? h("p", { class: "lede" }, painPoint.description) : null,
      h(
        "p",
        { class: "meta" },
        severityBadge(painPoint.severity),
        painPoint.category ? [" ", h("span", { class: "badge" }, painPoint.category)] : null,
        " · occurs at ",
        where.length
          ? where.map((tp, index) => [index ? ", " : "", touchpointLink(tp), " ", momentOfTruthBadge(tp.momentOfTruth), tp.stage ? h("span", { class: "muted" }, ` (${tp.stage.name}, `, linkTo("Journey", tp.stage.journey), ")") : null])
          : h("span", { class: "muted" }, "no touchpoint"),
      ),
      stats([
        ["Teams involved", num(teams.length, 0)],
        ["Feedback evidencing it", num(painPoint.feedback.totalCount, 0)],
        ["Personas hit", num(painPoint.personasHit.length, 0)],
        ["Opportunities", num(painPoint.initiatives.length, 0)],
      ]),
    ),
    section(
      "teams",
      "Teams affecting it",
      teams.length ? h("ul", { class: "chips", "aria-label": "Teams" }, teams.map((team) => h("li", {}, linkTo("Team", team)))) : null,
      ...graphSection,
    ),
    section(
      "customers",
      "Customers affected",
      painPoint.personasHit.length
        ? table({
            caption: "Personas who hit this pain point",
            columns: [{ label: "Persona" }, { label: "Journey mapped for it" }, { label: "Customers with feedback", numeric: true }, { label: "At stages" }],
            rows: painPoint.personasHit,
            cells: (hit) => [linkTo("Persona", hit.persona), hit.mapped ? "yes" : "no", num(hit.customers, 0), hit.stages.length ? h("span", {}, hit.stages.map((stage, index) => [index ? ", " : "", linkTo("Stage", stage, { journeyId: stage.journey?.id })])) : "–"],
          })
        : empty("No persona is known to hit this pain point."),
      h("p", { class: "hint" }, `${plural(customersByPersona, "customer")} counted by persona (a customer with two personas counts for each); ${plural(painPoint.feedback.totalCount, "piece")} of feedback evidence it.`),
      section(
        "feedback",
        "Feedback",
        3,
        pagedList({
          connection: painPoint.feedback,
          item: feedbackItem,
          pageSize: 5,
          label: "Feedback evidencing this pain point",
          emptyText: "No feedback evidences this pain point: it is known from the journey map only.",
          fetchPage: async (after) => (await gql(MORE_FEEDBACK, { id, first: 10, after })).painPoint.feedback,
        }),
      ),
    ),
    section(
      "opportunities",
      "Opportunities addressing it",
      painPoint.initiatives.length
        ? h(
            "ul",
            { class: "cards" },
            painPoint.initiatives.map((initiative) =>
              h(
                "li",
                { class: "card" },
                h("h3", {}, linkTo("Opportunity", initiative.opportunity)),
                h("p", {}, statusBadge(initiative.opportunity.status), " · owned by ", linkList("Team", initiative.owners, "no team")),
                initiative.opportunity.description ? h("p", {}, initiative.opportunity.description) : null,
                initiative.addresses.length > 1 ? h("p", { class: "muted" }, "Also addresses ", linkList("PainPoint", initiative.addresses.filter((pain) => pain.id !== painPoint.id))) : null,
              ),
            ),
          )
        : empty("No opportunity addresses this pain point yet."),
    ),
  );
}
