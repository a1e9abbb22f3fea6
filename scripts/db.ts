import { readFileSync } from "node:fs";
import { join } from "node:path";
import ws from "ws";
import { loadConfig } from "../src/config";
import type { DbHandle } from "../src/db/handle";
import { createNeonDb } from "../src/db/neon";
import { createPgliteDb } from "../src/db/pglite";

/** The database the scripts act on: DATABASE_URL through the Neon driver, else the embedded one. */
export async function openConfiguredDb(): Promise<DbHandle> {
  const config = loadConfig(process.env);
  return config.databaseUrl
    ? createNeonDb({ connectionString: config.databaseUrl, wsProxy: config.neonWsProxy, webSocketConstructor: ws })
    : createPgliteDb(join(config.dataDir, "pglite"));
}

export const schemaSql = () => readFileSync(new URL("../schema.sql", import.meta.url), "utf8");
