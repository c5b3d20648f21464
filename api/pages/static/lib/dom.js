// Building DOM without HTML strings: every text from the API goes in as text, never markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.append(child);
    else parent.append(document.createTextNode(String(child)));
  }
}

function setAttributes(element, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class" && Array.isArray(value)) {
      element.setAttribute("class", value.filter(Boolean).join(" "));
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
}

/** An HTML element: `h("a", {href: "/ui/"}, "Home")`. Children may be nested arrays. */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

/** An SVG element, like `h`. */
export function svg(tag, attrs, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attrs);
  append(element, children);
  return element;
}

/** A document fragment holding `children`. */
export function fragment(...children) {
  const result = document.createDocumentFragment();
  append(result, children);
  return result;
}

let counter = 0;
/** A fresh element id with this prefix, unique on the page. */
export function uid(prefix = "id") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** "a, b and c" from nodes or strings. */
export function joined(items, conjunction = "and") {
  const out = [];
  items.forEach((item, index) => {
    if (index > 0) out.push(index === items.length - 1 ? ` ${conjunction} ` : ", ");
    out.push(item);
  });
  return out;
}

/** Words of an enum value: `IN_PROGRESS` -> `in progress`. */
export function words(value) {
  return value === null || value === undefined ? "" : String(value).toLowerCase().replaceAll("_", " ");
}

/** A number for people: at most one decimal, a real minus sign. */
export function num(value, digits = 1) {
  if (value === null || value === undefined) return "–";
  const text = Number(value).toLocaleString("en", { maximumFractionDigits: digits });
  return text.replace("-", "−");
}

/** A number with its sign: +2, 0, −3. */
export function signed(value) {
  if (value === null || value === undefined) return "–";
  return value > 0 ? `+${num(value)}` : num(value);
}

/** "1 team" / "3 teams". */
export function plural(count, one, many = `${one}s`) {
  return `${num(count, 0)} ${count === 1 ? one : many}`;
}

/** A date for people: `2024-09-18` -> `18 Sep 2024`. */
export function day(iso) {
  if (!iso) return "never";
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** The ISO date `months` months before today. */
export function monthsAgo(months) {
  const date = new Date();
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}

/** Items grouped by `key(item)`, in first-seen order: Map key -> items. */
export function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(item);
  }
  return groups;
}

/** Items without repeats of `key(item)`, first kept. */
export function unique(items, key = (item) => item.id) {
  const seen = new Set();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
