// Picks the view the URL names, renders it into <main>, and asks for an API key when the
// API wants one. Every page is a full page load: each URL works on its own.
import { fragment, h } from "./lib/dom.js";
import { ApiError, AuthRequired, apiKey, setApiKey } from "./lib/gql.js";
import { errorBox, settled } from "./lib/widgets.js";

/** A view found no item with the URL's id. */
export class NotFound extends Error {
  constructor(kind, id) {
    super(`There is no ${kind} with the id “${id}”.`);
  }
}

const VIEWS = [
  [/^\/ui\/?$/, () => import("./views/home.js"), "home"],
  [/^\/ui\/journeys\/([^/]+)$/, () => import("./views/journey.js"), "journey"],
  [/^\/ui\/pain-points\/([^/]+)$/, () => import("./views/pain-point.js"), "painPoint"],
  [/^\/ui\/teams\/([^/]+)$/, () => import("./views/team.js"), "team"],
  [/^\/ui\/systems\/([^/]+)$/, () => import("./views/system.js"), "system"],
  [/^\/ui\/processes\/([^/]+)$/, () => import("./views/process.js"), "process"],
  [/^\/ui\/personas\/([^/]+)$/, () => import("./views/entities.js"), "persona"],
  [/^\/ui\/opportunities\/([^/]+)$/, () => import("./views/entities.js"), "opportunity"],
  [/^\/ui\/people\/([^/]+)$/, () => import("./views/entities.js"), "person"],
  [/^\/ui\/channels\/([^/]+)$/, () => import("./views/entities.js"), "channel"],
  [/^\/ui\/needs\/([^/]+)$/, () => import("./views/entities.js"), "need"],
  [/^\/ui\/touchpoints\/([^/]+)$/, () => import("./views/entities.js"), "touchpoint"],
  [/^\/ui\/stages\/([^/]+)$/, () => import("./views/entities.js"), "stage"],
];

const main = document.getElementById("main");

function setTitle(text) {
  document.title = text ? `${text} · cxgraph` : "cxgraph";
}

function renderAuthStatus() {
  const slot = document.getElementById("site-auth");
  if (!slot) return;
  slot.replaceChildren();
  if (apiKey()) {
    slot.append(
      h("span", { class: "muted" }, "Using an API key"),
      " ",
      h("button", { type: "button", class: "link-button", onclick: () => { setApiKey(null); location.reload(); } }, "Forget key"),
    );
  }
}

function authForm(error, retry) {
  setTitle("API key needed");
  const input = h("input", { id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true, spellcheck: "false", "aria-describedby": "api-key-help" });
  const form = h(
    "form",
    {
      class: "auth-form",
      onsubmit: (event) => {
        event.preventDefault();
        setApiKey(input.value.trim());
        renderAuthStatus();
        retry();
      },
    },
    h("label", { for: "api-key" }, "API key"),
    input,
    h("p", { id: "api-key-help", class: "muted" }, "Kept in this browser tab only (session storage) and sent as X-API-Key."),
    h("button", { type: "submit" }, "Show the page"),
  );
  main.replaceChildren(
    fragment(
      h("h1", {}, "API key needed"),
      error.rejected ? errorBox("The API did not accept this API key.", ["Check the key, or ask for one with at least the reader role."]) : h("p", {}, "This cxgraph API needs credentials. Enter an API key with at least the reader role."),
      form,
    ),
  );
  if (error.rejected) setApiKey(null);
  input.focus();
}

function scrollToHash() {
  if (!location.hash) return;
  const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!target) return;
  document.querySelectorAll(".is-target").forEach((element) => element.classList.remove("is-target"));
  target.classList.add("is-target");
  target.scrollIntoView({ block: "start" });
}

async function route() {
  renderAuthStatus();
  const path = location.pathname;
  const match = VIEWS.map(([pattern, load, name]) => [path.match(pattern), load, name]).find(([found]) => found);
  main.setAttribute("aria-busy", "true");
  document.body.dataset.state = "loading";
  try {
    if (!match) throw new NotFound("page", path);
    const [found, load, name] = match;
    document.body.dataset.view = name;
    const view = await load();
    const id = found[1] === undefined ? null : decodeURIComponent(found[1]);
    const content = await view.render({ id, name, setTitle, NotFound });
    if (content) main.replaceChildren(content);
    // the page is shown; parts of it may still be loading (`deferred`), each saying so
    main.setAttribute("aria-busy", "false");
    performance.mark("cxgraph:content");
    scrollToHash();
    const scrolled = window.scrollY;
    await settled();
    if (window.scrollY === scrolled) scrollToHash(); // the parts above it may have grown
    document.body.dataset.state = "ready";
  } catch (error) {
    if (error instanceof AuthRequired) {
      authForm(error, route);
      document.body.dataset.state = "auth";
    } else if (error instanceof NotFound) {
      setTitle("Not found");
      main.replaceChildren(fragment(h("h1", {}, "Not found"), h("p", {}, error.message), h("p", {}, h("a", { href: "/ui/" }, "Back to the overview"))));
      document.body.dataset.state = "not-found";
    } else {
      setTitle("Error");
      const messages = error instanceof ApiError ? error.messages : [String(error?.message ?? error)];
      main.replaceChildren(fragment(h("h1", {}, "Something went wrong"), errorBox("The page could not be shown.", messages), h("p", {}, h("a", { href: "/ui/" }, "Back to the overview"))));
      document.body.dataset.state = "error";
    }
  } finally {
    main.setAttribute("aria-busy", "false");
    markShown();
  }
}

// Marks on the page's performance timeline (for benchmarks and real-user monitoring):
// `cxgraph:content` when a view's content is in the page (parts may still be loading),
// `cxgraph:shown` when <body data-state> says the page is shown (`ready`: every part loaded),
// `cxgraph:painted` once the frame showing it is drawn.
function markShown() {
  performance.mark("cxgraph:shown", { detail: document.body.dataset.state });
  requestAnimationFrame(() => setTimeout(() => performance.mark("cxgraph:painted", { detail: document.body.dataset.state }), 0));
}

window.addEventListener("hashchange", scrollToHash);
route();
