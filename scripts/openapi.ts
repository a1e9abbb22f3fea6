/**
 * Prints the OpenAPI document (or writes it to the file named first), without a database: the
 * document comes from the route definitions alone. Used for the typed client and Redocly's lint.
 * Usage: npm run openapi [-- out.json] [PUBLIC_URL]
 */
import { writeFileSync } from "node:fs";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import type { Services } from "../src/http/env";
import { openApiDocument } from "../src/http/openapi";

const [out, publicUrl = "http://localhost:8787"] = process.argv.slice(2);
// Building the app reads only the configuration; no other service is touched until a request arrives.
const app = createApp({ config: loadConfig({}) } as Services);
const text = JSON.stringify(await openApiDocument(app, publicUrl), null, 2) + "\n";
if (out) writeFileSync(out, text);
else process.stdout.write(text);
