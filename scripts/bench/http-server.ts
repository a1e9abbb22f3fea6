/**
 * The Node entry's server for bench-http, in its own process so the load generator does not share
 * its event loop: embedded defaults, one finished run to read. Sends `{ port, pipelineId, apiKey }`
 * to the parent over IPC once listening; exits when the parent disconnects.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { bootstrapOrganization } from "../../src/bootstrap";
import { compose } from "../../src/entry/compose";
import { benchConfig, embeddedDb, silent } from "./targets";

const target = await embeddedDb();
const { app, services, close } = compose(benchConfig(), target.handle, { logger: silent });
const { api_key } = await bootstrapOrganization(services.db, "bench");
const res = await app.request("/v1/pipelines/sync", {
  method: "POST",
  headers: { "X-API-Key": api_key, "content-type": "application/json" },
  body: JSON.stringify({
    fields: [{ name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] }],
    phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
    documents: [{ text: "Total: 12.50" }, { text: "Total: 99" }],
  }),
});
if (!res.ok) throw new Error(`sync run failed: ${res.status} ${await res.text()}`);
const run = await res.json();

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
process.send!({ port: (server.address() as AddressInfo).port, pipelineId: run.id, apiKey: api_key });
process.on("disconnect", () => server.close(() => void close().then(() => process.exit(0))));
