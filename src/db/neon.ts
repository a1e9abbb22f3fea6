import { Pool, neonConfig } from "@neondatabase/serverless";
import { Kysely, PostgresDialect } from "kysely";
import { countingDialect, type DbHandle } from "./handle";
import type { Database } from "./types";

export interface NeonOptions {
  connectionString: string;
  /** Local Postgres only: `host:port/path` of a WebSocket-to-TCP proxy (plain ws, no TLS). */
  wsProxy?: string;
  /** Node has no global WebSocket on 20.x; its entry passes `ws`. Workers have one. */
  webSocketConstructor?: unknown;
  maxConnections?: number;
}

/** Postgres through Neon's serverless driver (WebSockets), used on Workers and whenever DATABASE_URL is set. */
export function createNeonDb(options: NeonOptions): DbHandle {
  if (options.webSocketConstructor) neonConfig.webSocketConstructor = options.webSocketConstructor as typeof WebSocket;
  if (options.wsProxy) {
    const proxy = options.wsProxy.replace(/\/+$/, "");
    neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const max = options.maxConnections ?? 10;
  const pool = new Pool({ connectionString: options.connectionString, max });
  // The engine's own connections: however much phase work is queued, API requests never wait for a connection behind it.
  const backgroundPool = new Pool({ connectionString: options.connectionString, max: Math.max(1, Math.floor(max / 2)) });
  preparedStatements(pool);
  preparedStatements(backgroundPool);
  const counter = { count: 0 };
  const db = new Kysely<Database>({ dialect: countingDialect(new PostgresDialect({ pool }), counter) });
  const background = new Kysely<Database>({ dialect: countingDialect(new PostgresDialect({ pool: backgroundPool }), counter) });
  return {
    db,
    background,
    // With no parameters the driver uses the simple protocol, which accepts several statements.
    runScript: async (sql) => void (await pool.query(sql)),
    roundTrips: () => counter.count,
    // Kysely only ends the pool if it opened a connection itself; runScript-only handles need this.
    close: async () => {
      await Promise.all([db.destroy(), background.destroy()]);
      for (const each of [pool, backgroundPool]) if (!each.ended) await each.end();
    },
  };
}

/** Distinct statement texts prepared per pool; beyond this (e.g. IN lists of every length) they run unnamed. */
const MAX_PREPARED = 200;

/**
 * Parameterised statements become named ones: Postgres parses them once per connection and may
 * reuse a generic plan, then only binds and executes (the delivery's statements were parsed and
 * planned on every call).
 * Same round trips: the driver sends Parse with the first Bind/Execute.
 */
function preparedStatements(pool: Pool) {
  const names = new Map<string, string>();
  pool.on("connect", (client: { query: (...args: unknown[]) => unknown }) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // Only the promise form with parameters, as kysely calls it; callbacks and cursors pass through.
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      if (args.length !== 2 || typeof text !== "string" || !Array.isArray(values) || values.length === 0) return query(...args);
      let name = names.get(text);
      if (name === undefined && names.size < MAX_PREPARED) names.set(text, (name = `sluice_${names.size}`));
      return name === undefined ? query(text, values) : query({ name, text, values });
    });
  });
}
