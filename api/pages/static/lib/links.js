// One stable URL per kind of item. Touchpoints and stages live on their journey's page.
import { h } from "./dom.js";

const e = encodeURIComponent;

const PAGES = {
  Journey: "journeys",
  PainPoint: "pain-points",
  Team: "teams",
  System: "systems",
  Process: "processes",
  Persona: "personas",
  Opportunity: "opportunities",
  Person: "people",
  Channel: "channels",
  CustomerNeed: "needs",
  Touchpoint: "touchpoints",
  Stage: "stages",
};

/** The element id of a touchpoint's column on its journey page. */
export const touchpointAnchor = (id) => `tp-${id}`;
/** The element id of a stage on its journey page. */
export const stageAnchor = (id) => `st-${id}`;

/**
 * The URL of an item of type `label` (a GraphQL type name or ontology label). A touchpoint or
 * stage whose journey is known (`journeyId`) links straight to its place on the journey page.
 */
export function hrefOf(label, id, journeyId = null) {
  if (journeyId && label === "Touchpoint") return `/ui/journeys/${e(journeyId)}#${e(touchpointAnchor(id))}`;
  if (journeyId && label === "Stage") return `/ui/journeys/${e(journeyId)}#${e(stageAnchor(id))}`;
  const page = PAGES[label];
  return page ? `/ui/${page}/${e(id)}` : null;
}

/** The home page, at one of its sections. */
export const homeHref = (section = "") => (section ? `/ui/#${section}` : "/ui/");

/**
 * A link to `item` ({id, name}) of type `label`, or its name as text when the type has no
 * page. `text` replaces the name; `journeyId` places a touchpoint or stage on its journey.
 */
export function linkTo(label, item, { text = null, journeyId = null, className = null } = {}) {
  if (!item) return null;
  const href = hrefOf(label, item.id, journeyId);
  const content = text ?? item.name ?? item.id;
  if (!href) return h("span", { class: className }, content);
  return h("a", { href, class: className }, content);
}

/** A link to a touchpoint that knows its journey through `stage.journey`. */
export function touchpointLink(touchpoint, options = {}) {
  const journeyId = touchpoint?.stage?.journey?.id ?? options.journeyId ?? null;
  return linkTo("Touchpoint", touchpoint, { ...options, journeyId });
}

/** Links to each of `items`, separated by commas; `empty` when there are none. */
export function linkList(label, items, empty = "none") {
  if (!items?.length) return h("span", { class: "muted" }, empty);
  const out = [];
  items.forEach((item, index) => {
    if (index) out.push(", ");
    out.push(linkTo(label, item));
  });
  return h("span", {}, out);
}
