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
  const pool = new Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
  const counter = { count: 0 };
  const db = new Kysely<Database>({ dialect: countingDialect(new PostgresDialect({ pool }), counter) });
  return {
    db,
    // With no parameters the driver uses the simple protocol, which accepts several statements.
    runScript: async (sql) => void (await pool.query(sql)),
    roundTrips: () => counter.count,
    // Kysely only ends the pool if it opened a connection itself; runScript-only handles need this.
    close: async () => {
      await db.destroy();
      if (!pool.ended) await pool.end();
    },
  };
}
