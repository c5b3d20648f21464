// Runs the GraphQL over HTTP spec audit of graphql-http against one server and prints the
// results as JSON: `node audit.mjs http://127.0.0.1:8000/graphql`.
//
// Output: a JSON array, one object per audit: {id, name, status, reason?, response?}, where
// status is "ok", "notice", "warn" (a SHOULD or MAY not met) or "error" (a MUST not met),
// and response holds the status, content type and (shortened) body the audit looked at.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

async function describe(response) {
  if (!response) return undefined;
  let body;
  try {
    body = response.bodyUsed ? undefined : (await response.text()).slice(0, 500);
  } catch {
    body = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
  };
}

const results = await auditServer({ url });
const out = [];
for (const result of results) {
  const { id, name, status } = result;
  out.push(
    status === 'ok'
      ? { id, name, status }
      : { id, name, status, reason: result.reason, response: await describe(result.response) },
  );
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
