import { Pool, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ws from "ws";
import { sql } from "kysely";
import { createNeonDb } from "../../src/db/neon";
import { neonLocalOptions, startNeonWsProxy, type NeonWsProxy } from "../support/neon-ws-proxy";

const databaseUrl = process.env.SLUICE_TEST_DATABASE_URL;
if (!databaseUrl) console.log("[sluice] skipped suite: Neon driver through the WebSocket proxy (set SLUICE_TEST_DATABASE_URL to run it)");

describe.skipIf(!databaseUrl)("Neon driver through the local WebSocket proxy", () => {
  let proxy: NeonWsProxy;
  let pool: Pool;
  beforeAll(async () => {
    proxy = await startNeonWsProxy();
    Object.assign(neonConfig, neonLocalOptions(proxy.host));
    neonConfig.webSocketConstructor = ws; // Node 20 has no global WebSocket
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
  });

  it("runs a simple query", async () => {
    const { rows } = await pool.query("select 1 as one");
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("binds parameters", async () => {
    const { rows } = await pool.query("select $1::int + $2::int as sum, $3::text || '!' as shout", [2, 40, "hi"]);
    expect(rows).toEqual([{ sum: 42, shout: "hi!" }]);
  });

  it("keeps a transaction on one client: BEGIN … COMMIT and ROLLBACK", async () => {
    const client = await pool.connect();
    try {
      // A temporary table exists only in its own session, so seeing it again proves one connection throughout.
      await client.query("create temporary table proxy_probe (n int)");
      await client.query("begin");
      const first = await client.query("select txid_current() as id");
      await client.query("insert into proxy_probe values (1)");
      const second = await client.query("select txid_current() as id");
      await client.query("commit");
      expect(second.rows[0].id).toBe(first.rows[0].id);

      await client.query("begin");
      await client.query("insert into proxy_probe values (2)");
      await client.query("rollback");
      const { rows } = await client.query("select array_agg(n) as ns from proxy_probe");
      expect(rows[0].ns).toEqual([1]);
    } finally {
      client.release();
    }
  });

  it("ends the Postgres session when the client goes away", async () => {
    const name = `proxy-probe-${process.pid}-${Date.now()}`;
    const url = new URL(databaseUrl!);
    url.searchParams.set("application_name", name);
    const sessions = async () =>
      Number((await pool.query("select count(*) as n from pg_stat_activity where application_name = $1", [name])).rows[0].n);
    const shortLived = new Pool({ connectionString: url.toString(), max: 1 });
    await shortLived.query("select 1");
    expect(await sessions()).toBe(1); // an idle pooled connection, visible under its name
    await shortLived.end();
    const deadline = Date.now() + 5000;
    while ((await sessions()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await sessions()).toBe(0);
  });

  it("prepares parameterised statements once per connection through the app's handle", async () => {
    // One connection, so the catalogue read below sees the statements the handle prepared on it.
    const handle = createNeonDb({ connectionString: databaseUrl!, wsProxy: `${proxy.host}/v1`, webSocketConstructor: ws, maxConnections: 1 });
    try {
      const probe = () => sql<{ n: number }>`select ${41}::int + 1 as n`.execute(handle.db);
      expect((await probe()).rows).toEqual([{ n: 42 }]);
      expect((await probe()).rows).toEqual([{ n: 42 }]);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(handle.db);
      // Both runs share one named statement; the unparameterised catalogue read stays unnamed.
      expect(prepared.rows.map((r) => r.statement)).toEqual(["select $1::int + 1 as n"]);
    } finally {
      await handle.close();
    }
  });
});

