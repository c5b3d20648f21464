// Smaller pages: personas, opportunities, people, channels and customer needs. Touchpoints and
// stages have no page of their own: their URLs open the journey page at their place.
import { day, fragment, h, num, words } from "../lib/dom.js";
import { gql } from "../lib/gql.js";
import { hrefOf, linkList, linkTo, touchpointLink } from "../lib/links.js";
import { empty, pagedList, section, severityBadge, stats, statusBadge } from "../lib/widgets.js";

const PAGE = "totalCount pageInfo { hasNextPage endCursor }";
const TOUCHPOINTS = "nodes { id name stage { name journey { id name } } }";

function head(kicker, title, ...rest) {
  return h("header", { class: "page-head" }, h("p", { class: "kicker" }, kicker), h("h1", {}, title), ...rest);
}

function touchpointItem(tp) {
  return [touchpointLink(tp), tp.stage?.journey ? h("span", { class: "muted" }, ` · ${tp.stage.name}, ${tp.stage.journey.name}`) : null];
}

/** A paged list of a connection of the item `type(id)`, fetching more pages of `field`. */
function paged(type, id, item, field, nodes, connection, label, emptyText = "None.") {
  const query = `query More($id: ID!, $after: String) { ${type}(id: $id) { ${field}(first: 50, after: $after) { ${PAGE} ${nodes} } } }`;
  return pagedList({ connection, item, label, emptyText, fetchPage: async (after) => (await gql(query, { id, after }))[type][field] });
}

const VIEWS = {
  async persona(id) {
    const { persona } = await gql(
      `query PersonaPage($id: ID!) { persona(id: $id) { id name description journeys(first: 25) { ${PAGE} nodes { id name } } customers(first: 0) { totalCount } } }`,
      { id },
    );
    if (!persona) return null;
    return [
      `${persona.name} — persona`,
      fragment(
        head("Persona", persona.name, persona.description ? h("p", { class: "lede" }, persona.description) : null, stats([["Customers", num(persona.customers.totalCount, 0)], ["Journeys mapped", num(persona.journeys.totalCount, 0)]])),
        section("journeys", "Journeys mapped for this persona", paged("persona", id, (j) => linkTo("Journey", j), "journeys", "nodes { id name }", persona.journeys, "Journeys")),
      ),
    ];
  },

  async opportunity(id) {
    const nodes = "nodes { id name severity touchpoints(first: 5) { nodes { id name stage { journey { id name } } } } }";
    const { opportunity } = await gql(
      `query OpportunityPage($id: ID!) { opportunity(id: $id) { id name description status verifiedAt owners(first: 20) { nodes { id name } } painPoints(first: 25) { ${PAGE} ${nodes} } } }`,
      { id },
    );
    if (!opportunity) return null;
    const painItem = (pain) => [severityBadge(pain.severity), " ", linkTo("PainPoint", pain), pain.touchpoints.nodes.length ? h("span", { class: "muted" }, " at ", pain.touchpoints.nodes.map((tp, i) => [i ? ", " : "", touchpointLink(tp)])) : null];
    return [
      `${opportunity.name} — opportunity`,
      fragment(
        head(
          "Opportunity",
          opportunity.name,
          opportunity.description ? h("p", { class: "lede" }, opportunity.description) : null,
          h("p", { class: "meta" }, statusBadge(opportunity.status), " · owned by ", linkList("Team", opportunity.owners.nodes, "no team"), ` · verified ${day(opportunity.verifiedAt)}`),
        ),
        section("pain-points", "Pain points it addresses", paged("opportunity", id, painItem, "painPoints", nodes, opportunity.painPoints, "Pain points")),
      ),
    ];
  },

  async person(id) {
    const { person } = await gql(
      `query PersonPage($id: ID!) { person(id: $id) { id name title teams(first: 20) { nodes { id name } } leads(first: 20) { nodes { id name } } manager { id name title } reports(first: 25) { ${PAGE} nodes { id name title } } } }`,
      { id },
    );
    if (!person) return null;
    const personItem = (p) => [linkTo("Person", p), p.title ? h("span", { class: "muted" }, ` · ${p.title}`) : null];
    return [
      `${person.name} — person`,
      fragment(
        head(
          "Person",
          person.name,
          person.title ? h("p", { class: "lede" }, person.title) : null,
          h(
            "p",
            { class: "meta" },
            "Member of ",
            linkList("Team", person.teams.nodes, "no team"),
            person.leads.nodes.length ? [" · leads ", linkList("Team", person.leads.nodes)] : null,
            person.manager ? [" · reports to ", linkTo("Person", person.manager)] : null,
          ),
        ),
        section("reports", "Direct reports", paged("person", id, personItem, "reports", "nodes { id name title }", person.reports, "Direct reports")),
      ),
    ];
  },

  async channel(id) {
    const { channel } = await gql(`query ChannelPage($id: ID!) { channel(id: $id) { id name kind touchpoints(first: 25) { ${PAGE} ${TOUCHPOINTS} } } }`, { id });
    if (!channel) return null;
    return [
      `${channel.name} — channel`,
      fragment(
        head("Channel", channel.name, h("p", { class: "meta" }, words(channel.kind))),
        section("touchpoints", "Touchpoints on this channel", paged("channel", id, touchpointItem, "touchpoints", TOUCHPOINTS, channel.touchpoints, "Touchpoints")),
      ),
    ];
  },

  async need(id) {
    const { customerNeed } = await gql(
      `query NeedPage($id: ID!) { customerNeed(id: $id) { id name description touchpoints(first: 25) { ${PAGE} ${TOUCHPOINTS} } } }`,
      { id },
    );
    if (!customerNeed) return null;
    return [
      `${customerNeed.name} — customer need`,
      fragment(
        head("Customer need", customerNeed.name, customerNeed.description ? h("p", { class: "lede" }, customerNeed.description) : null),
        section("touchpoints", "Touchpoints serving it", paged("customerNeed", id, touchpointItem, "touchpoints", TOUCHPOINTS, customerNeed.touchpoints, "Touchpoints")),
      ),
    ];
  },

  async touchpoint(id) {
    const { touchpoint } = await gql(`query TouchpointPlace($id: ID!) { touchpoint(id: $id) { id name stage { journey { id } } owners(first: 20) { nodes { id name } } } }`, { id });
    if (!touchpoint) return null;
    const journeyId = touchpoint.stage?.journey?.id;
    if (journeyId) return { redirect: hrefOf("Touchpoint", id, journeyId) };
    return [
      `${touchpoint.name} — touchpoint`,
      fragment(head("Touchpoint", touchpoint.name, h("p", { class: "meta" }, "Not on any journey · owned by ", linkList("Team", touchpoint.owners.nodes, "no team")))),
    ];
  },

  async stage(id) {
    const { stage } = await gql(`query StagePlace($id: ID!) { stage(id: $id) { id name journey { id } } }`, { id });
    if (!stage) return null;
    if (stage.journey) return { redirect: hrefOf("Stage", id, stage.journey.id) };
    return [`${stage.name} — stage`, fragment(head("Stage", stage.name, empty("This stage belongs to no journey.")))];
  },
};

const KINDS = { persona: "persona", opportunity: "opportunity", person: "person", channel: "channel", need: "customer need", touchpoint: "touchpoint", stage: "stage" };

export async function render({ id, name, setTitle, NotFound }) {
  const result = await VIEWS[name](id);
  if (!result) throw new NotFound(KINDS[name], id);
  if (result.redirect) {
    location.replace(result.redirect);
    return new Promise(() => {}); // the journey page replaces this one
  }
  const [title, content] = result;
  setTitle(title);
  return content;
}
