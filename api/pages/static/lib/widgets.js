// Pieces the pages share: sections, badges, tables and lists shown a page at a time.
import { h, num, plural, uid, words } from "./dom.js";

/** A `<section>` titled by a heading of `level` (2 by default), with `id` as its anchor. */
export function section(id, title, ...content) {
  const headingId = uid("h");
  const level = typeof content[0] === "number" ? content.shift() : 2;
  return h(
    "section",
    { id, class: "section", "aria-labelledby": headingId },
    h(`h${level}`, { id: headingId }, title),
    ...content,
  );
}

/** How bad a pain point is, 1 to 5, in words and colour. */
export function severityBadge(severity) {
  if (severity === null || severity === undefined) return null;
  return h("span", { class: `badge sev sev-${severity}`, title: `Severity ${severity} of 5` }, `severity ${severity}`);
}

/** The status of an opportunity. */
export function statusBadge(status) {
  return h("span", { class: `badge status status-${words(status).replaceAll(" ", "-")}` }, words(status));
}

const LAYER_NAMES = {
  CUSTOMER: "customer action",
  FRONTSTAGE: "frontstage",
  BACKSTAGE: "backstage",
  SUPPORT: "support process",
  SYSTEM: "system",
};

/** The service-blueprint layer an element is in. */
export function layerBadge(layer) {
  const key = String(layer).toUpperCase();
  return h("span", { class: `badge layer layer-${key.toLowerCase()}` }, LAYER_NAMES[key] ?? words(layer));
}

/** "owner", "performer", ... of a TeamRole. */
export function roleText(role) {
  return (
    {
      TOUCHPOINT_OWNER: "owns the touchpoint",
      PROCESS_OWNER: "owns a process",
      PROCESS_PERFORMER: "performs a process",
      SYSTEM_OWNER: "owns a system",
    }[role] ?? words(role)
  );
}

/** A small marker for moments of truth. */
export function momentOfTruthBadge(isMoment) {
  return isMoment ? h("span", { class: "badge mot", title: "This touchpoint decides how the customer judges the journey" }, "moment of truth") : null;
}

/** Key figures as a definition list: [[label, value], ...]. */
export function stats(pairs) {
  return h(
    "dl",
    { class: "stats" },
    pairs.map(([label, value]) => h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value))),
  );
}

/** A paragraph saying there is nothing to show. */
export function empty(text) {
  return h("p", { class: "empty" }, text);
}

/** An alert listing what went wrong. */
export function errorBox(title, messages) {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("p", { class: "error-box__title" }, title),
    messages.length ? h("ul", {}, messages.map((message) => h("li", {}, message))) : null,
  );
}

const pending = new Set();
const waiting = new Set();
const NEAR = 200; // px: a part this close below the viewport counts as seen (one scrolled past does not)
let observer = null;

function start(holder) {
  if (!waiting.delete(holder)) return;
  observer?.unobserve(holder);
  holder.cxStart();
}

function near(element) {
  const box = element.getBoundingClientRect();
  return element.isConnected && box.bottom > 0 && box.top < window.innerHeight + NEAR;
}

/**
 * A part of a page shown when `content` (a promise of its children, or a function making
 * one) settles, while the rest of the page is already shown: until then it says it is
 * loading (`aria-busy`); if the promise fails, it shows the error (and logs it). With
 * `whenSeen`, `content` is a function called only once the part comes near the viewport:
 * for questions that cost the server much, asked only when someone looks. The page says it
 * is ready once every part started (the ones in view when it is shown) has settled (see
 * `settled`).
 */
export function deferred(content, { whenSeen = false, loadingText = "Loading…" } = {}) {
  const holder = h("div", { class: "deferred", "aria-busy": "true", "data-when-seen": whenSeen }, h("p", { class: "loading" }, loadingText));
  holder.cxStart = () => {
    const work = Promise.resolve()
      .then(() => (typeof content === "function" ? content() : content))
      .then(
        (children) => holder.replaceChildren(...[children].flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)),
        (error) => {
          console.error("Part of the page could not be loaded:", error);
          holder.replaceChildren(errorBox("This part of the page could not be loaded.", error?.messages ?? [String(error?.message ?? error)]));
        },
      );
    const done = work.finally(() => {
      holder.setAttribute("aria-busy", "false");
      pending.delete(done);
    });
    pending.add(done);
  };
  waiting.add(holder);
  if (!whenSeen) {
    start(holder);
  } else if ("IntersectionObserver" in window) {
    observer ??= new IntersectionObserver((entries) => entries.filter((entry) => entry.isIntersecting).forEach((entry) => start(entry.target)), { rootMargin: `0px 0px ${NEAR}px 0px` });
    observer.observe(holder);
  }
  return holder;
}

/**
 * Resolves once every `deferred` part started has settled, those in view now included
 * (call it once the page's content is in the document).
 */
export async function settled() {
  for (const holder of [...waiting]) if (near(holder)) start(holder);
  while (pending.size) await Promise.allSettled([...pending]);
}

function moreButton(label, onClick) {
  return h("button", { type: "button", class: "more", onclick: onClick }, label);
}

/**
 * A table of `rows`, `pageSize` rows at a time (a button shows more). `columns` are
 * `{label, numeric}`; `cells(row)` gives one cell per column, the first being the row's
 * header. `caption` names the table for assistive technology.
 */
export function table({ caption, columns, rows, cells, pageSize = 25, className = "", captionHidden = false }) {
  const tbody = h("tbody");
  const wrap = h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" });
  const tableEl = h(
    "table",
    { class: `data ${className}` },
    h("caption", { class: captionHidden ? "visually-hidden" : null }, caption),
    h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col", class: column.numeric ? "num" : null }, column.label)))),
    tbody,
  );
  wrap.append(tableEl);
  const out = h("div", { class: "table-block" }, wrap);
  let shown = 0;
  const button = moreButton("", () => showMore(true));
  function showMore(focus) {
    const next = rows.slice(shown, shown + pageSize);
    let first = null;
    for (const row of next) {
      const values = cells(row);
      const tr = h(
        "tr",
        {},
        values.map((value, index) =>
          index === 0
            ? h("th", { scope: "row", class: columns[0].numeric ? "num" : null }, value)
            : h("td", { class: columns[index]?.numeric ? "num" : null }, value),
        ),
      );
      first ??= tr;
      tbody.append(tr);
    }
    shown += next.length;
    const left = rows.length - shown;
    if (left > 0) {
      button.textContent = `Show ${Math.min(left, pageSize)} more (${num(shown, 0)} of ${num(rows.length, 0)} shown)`;
      if (!button.isConnected) out.append(button);
    } else {
      button.remove();
    }
    if (focus && first) {
      const header = first.firstElementChild;
      header.setAttribute("tabindex", "-1");
      header.focus();
    }
  }
  showMore(false);
  return out;
}

/**
 * A table of a Relay connection's items, `pageSize` rows at a time: the loaded `connection`
 * ({totalCount, pageInfo, nodes}) first, then the next page from `fetchPage(after)` when the
 * loaded rows run out. `rowsOf(nodes)` turns every item loaded so far into rows (to group
 * them, say); `unit` names one item.
 */
export function connectionTable({ caption, columns, connection, fetchPage, cells, rowsOf = (nodes) => nodes, unit = "item", pageSize = 25 }) {
  let nodes = [...connection.nodes];
  let pageInfo = connection.pageInfo;
  const total = connection.totalCount;
  let shown = pageSize;
  const out = h("div", { class: "table-block" });
  const status = h("p", { class: "hint", role: "status" });
  const button = moreButton("Show more", () => more());

  function draw(focusFrom) {
    const rows = rowsOf(nodes);
    const visible = rows.slice(0, shown);
    const block = table({ caption, columns, rows: visible, cells, pageSize: Math.max(visible.length, 1) });
    out.replaceChildren(block, status);
    const complete = !pageInfo.hasNextPage;
    status.textContent = complete && visible.length === rows.length ? "" : `${num(Math.min(nodes.length, total), 0)} of ${plural(total, unit)} loaded; ${num(visible.length, 0)} rows shown.`;
    if (visible.length < rows.length || !complete) out.append(button);
    if (focusFrom !== null) {
      const header = block.querySelectorAll("tbody tr")[focusFrom]?.firstElementChild;
      if (header) {
        header.setAttribute("tabindex", "-1");
        header.focus();
      }
    }
  }

  async function more() {
    const before = Math.min(shown, rowsOf(nodes).length);
    shown += pageSize;
    while (rowsOf(nodes).length < shown && pageInfo.hasNextPage) {
      button.disabled = true;
      button.textContent = "Loading…";
      try {
        const page = await fetchPage(pageInfo.endCursor);
        nodes = nodes.concat(page.nodes);
        pageInfo = page.pageInfo;
      } catch (error) {
        out.append(errorBox("Could not load more.", [error.message]));
        return;
      } finally {
        button.disabled = false;
        button.textContent = "Show more";
      }
    }
    draw(before);
  }

  draw(null);
  return out;
}

/**
 * A list of a Relay connection's items, a page at a time: the loaded `connection`
 * ({totalCount, pageInfo, nodes}) first, then `fetchPage(after)` for more. `item(node)` gives
 * the content of one `<li>`.
 */
export function pagedList({ connection, item, fetchPage = null, pageSize = 25, emptyText = "None.", label = null }) {
  if (!connection?.nodes?.length) return empty(emptyText);
  const list = h("ul", { class: "items", "aria-label": label });
  const out = h("div", { class: "paged" }, list);
  let buffer = [...connection.nodes];
  let pageInfo = connection.pageInfo ?? { hasNextPage: false };
  const total = connection.totalCount ?? buffer.length;
  let shown = 0;
  const status = h("p", { class: "visually-hidden", role: "status" });
  const button = moreButton("", () => more());
  out.append(status);

  function show(count, focus) {
    const next = buffer.slice(shown, shown + count);
    let first = null;
    for (const node of next) {
      const li = h("li", {}, item(node));
      first ??= li;
      list.append(li);
    }
    shown += next.length;
    const left = total - shown;
    if (left > 0 && (shown < buffer.length || pageInfo.hasNextPage)) {
      button.textContent = `Show ${Math.min(left, pageSize)} more (${num(shown, 0)} of ${num(total, 0)} shown)`;
      if (!button.isConnected) out.insertBefore(button, status);
    } else {
      button.remove();
    }
    if (focus && first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  }

  async function more() {
    if (shown >= buffer.length && pageInfo.hasNextPage && fetchPage) {
      button.disabled = true;
      button.textContent = "Loading…";
      try {
        const page = await fetchPage(pageInfo.endCursor);
        buffer = buffer.concat(page.nodes);
        pageInfo = page.pageInfo;
      } catch (error) {
        status.textContent = `Could not load more: ${error.message}`;
        out.append(errorBox("Could not load more.", [error.message]));
        button.remove();
        return;
      } finally {
        button.disabled = false;
      }
    }
    show(pageSize, true);
    status.textContent = `${plural(shown, "item")} shown`;
  }

  show(pageSize, false);
  return out;
}
