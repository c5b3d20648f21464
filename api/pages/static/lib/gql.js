// The one way the pages read data: POST /graphql, with the API key of this browser tab.

const KEY = "cxgraph.apiKey";
const ENDPOINT = "/graphql";

/** /graphql answered 401: the request needs an API key, or a better one. */
export class AuthRequired extends Error {
  constructor(rejected) {
    super(rejected ? "The API did not accept this API key." : "The API needs an API key.");
    this.rejected = rejected;
  }
}

/** The API answered with GraphQL errors (or not with GraphQL at all). */
export class ApiError extends Error {
  constructor(messages) {
    super(messages.join("\n"));
    this.messages = messages;
  }
}

/** The API key kept for this tab (sessionStorage), or null. */
export function apiKey() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Keep `key` for this tab, or forget it (null). */
export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage refused (private mode): the key lasts until the page is left
  }
  memoryKey = key || null;
}

let memoryKey = null;

/**
 * The `data` of a GraphQL request. Throws `AuthRequired` on 401 and `ApiError` when the
 * answer has errors. `signal` aborts it (an AbortError is thrown).
 */
export async function gql(query, variables = {}, { signal } = {}) {
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json;q=0.9",
  };
  const key = apiKey() ?? memoryKey;
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    credentials: "same-origin",
    signal,
  });
  if (response.status === 401) throw new AuthRequired(Boolean(key));
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError([`The API answered ${response.status} ${response.statusText} without a GraphQL result.`]);
  }
  if (body.errors?.length) throw new ApiError(body.errors.map((error) => error.message));
  if (!response.ok || !body.data) throw new ApiError([`The API answered ${response.status} ${response.statusText}.`]);
  return body.data;
}

/**
 * `gql` started now and awaited later (once the rest of the page is drawn, say): until it is
 * awaited, its failure is no unhandled rejection.
 */
export function prefetch(query, variables = {}) {
  const request = gql(query, variables);
  request.catch(() => {});
  return request;
}
