/**
 * A server for bench-http, in its own process so the load generator does not share its event loop.
 * `node http-server.ts <mode>`: `app` is the Node entry's app with every database answer replayed
 * from memory (recorded from PGlite on first sight), so only the HTTP stack is measured; `pglite`
 * the same app on PGlite itself; `bare` a bare Hono app answering the same path with the same
 * bytes, the reference. Sends `{ port, path, headers }` to the parent over IPC once listening;
 * exits when the parent disconnects.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import {
  Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult,
} from "kysely";
import type { AddressInfo } from "node:net";
import { bootstrapOrganization } from "../../src/bootstrap";
import type { DbHandle } from "../../src/db/handle";
import type { Database } from "../../src/db/types";
import { compose } from "../../src/entry/compose";
import { benchConfig, embeddedDb, silent } from "./targets";

const mode = process.argv[2] ?? "app";
const target = await embeddedDb();
const setup = compose(benchConfig(), target.handle, { logger: silent });
const { api_key } = await bootstrapOrganization(setup.services.db, "bench");
const res = await setup.app.request("/v1/pipelines/sync", {
  method: "POST",
  headers: { "X-API-Key": api_key, "content-type": "application/json" },
  body: JSON.stringify({
    fields: [{ name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] }],
    phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
    documents: [{ text: "Total: 12.50" }, { text: "Total: 99" }],
  }),
});
if (!res.ok) throw new Error(`sync run failed: ${res.status} ${await res.text()}`);
const path = `/v1/pipelines/${(await res.json()).id}`;
const headers = { "X-API-Key": api_key };
const body = await (await setup.app.request(path, { headers })).text();

/** Answers each statement from memory after its first run on PGlite: the database costs nothing. */
function replayedDb(real: DbHandle): DbHandle {
  const answers = new Map<string, Promise<QueryResult<unknown>>>();
  const connection: DatabaseConnection = {
    executeQuery: <R>(query: CompiledQuery) => {
      const key = JSON.stringify([query.sql, query.parameters]);
      if (!answers.has(key)) answers.set(key, real.db.executeQuery(query));
      return answers.get(key) as Promise<QueryResult<R>>;
    },
    streamQuery: () => { throw new Error("not replayed"); },
  };
  const driver: Driver = {
    init: async () => undefined, destroy: async () => undefined,
    acquireConnection: async () => connection, releaseConnection: async () => undefined,
    beginTransaction: async () => undefined, commitTransaction: async () => undefined, rollbackTransaction: async () => undefined,
  };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(), createQueryCompiler: () => new PostgresQueryCompiler(),
      createIntrospector: (k) => new PostgresIntrospector(k), createDriver: () => driver,
    },
  });
  return { ...real, db };
}

const fetch = mode === "bare"
  ? new Hono().get("/v1/pipelines/:id", (c) => c.body(body, 200, { "content-type": "application/json" })).fetch
  : compose(benchConfig(), mode === "app" ? replayedDb(target.handle) : target.handle, { logger: silent }).app.fetch;
const server = serve({ fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
process.send!({ port: (server.address() as AddressInfo).port, path, headers });
process.on("disconnect", () => server.close(() => void setup.close().then(() => process.exit(0))));
