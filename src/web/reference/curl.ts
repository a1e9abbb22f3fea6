/** The shell variable the curl lines read the key from: what `npm start` prints at first start. */
export const KEY_VARIABLE = "SLUICE_API_KEY";

export interface CurlOperation {
  method: string;
  path: string;
  needsKey: boolean;
  /** Path and required query/header parameters. */
  parameters: Array<{ name: string; in: string; required?: boolean }>;
  /** The JSON request body to send: the document's example, else a skeleton of the required fields. */
  body?: { example: unknown };
  /** Server-Sent Events: curl must not buffer them. */
  streams?: boolean;
}

/** `{document_id}` → `$DOCUMENT_ID`: a placeholder the shell fills in from a variable of that name. */
const variable = (name: string) => `$${name.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase()}`;
/** Single quotes keep JSON literal in every POSIX shell; a quote inside is closed, escaped and reopened. */
const singleQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * A curl command that works as pasted once the variables it names are set: the server URL, the
 * key header when the operation needs one, required parameters as variables, the example body.
 */
export function curlLine(server: string, op: CurlOperation): string {
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => variable(name));
  const query = op.parameters.filter((p) => p.in === "query" && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=${variable(p.name)}`).join("&");
  const parts = [`curl${op.streams ? " -N" : ""}${op.method === "get" ? "" : ` -X ${op.method.toUpperCase()}`}`];
  parts.push(`"${server.replace(/\/$/, "")}${url}${query ? `?${query}` : ""}"`);
  if (op.needsKey) parts.push(`-H "X-API-Key: $${KEY_VARIABLE}"`);
  for (const p of op.parameters.filter((p) => p.in === "header" && p.required)) parts.push(`-H "${p.name}: ${variable(p.name)}"`);
  if (op.body) {
    parts.push(`-H "Content-Type: application/json"`);
    // Pretty-printed and indented under the command: a pipeline body is long, and single quotes keep
    // its new lines literal in the shell.
    parts.push(`-d ${singleQuoted(JSON.stringify(op.body.example, null, 2).replace(/\n/g, "\n  "))}`);
  }
  return parts.join(" \\\n  ");
}
