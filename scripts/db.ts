import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ws from "ws";
import { loadConfig } from "../src/config";
import type { DbHandle } from "../src/db/handle";
import { createNeonDb } from "../src/db/neon";
import { createPgliteDb } from "../src/db/pglite";
import { DataDirInUse, lockDataDir } from "../src/entry/data-dir-lock";

/** The database the scripts act on: DATABASE_URL through the Neon driver, else the embedded one. */
export async function openConfiguredDb(script: string): Promise<DbHandle> {
  const config = loadConfig(process.env);
  if (config.databaseUrl) {
    return createNeonDb({ connectionString: config.databaseUrl, wsProxy: config.neonWsProxy, webSocketConstructor: ws });
  }
  mkdirSync(config.dataDir, { recursive: true });
  try {
    lockDataDir(config.dataDir, script);
  } catch (error) {
    if (!(error instanceof DataDirInUse)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  return createPgliteDb(join(config.dataDir, "pglite"));
}

export const schemaSql = () => readFileSync(new URL("../schema.sql", import.meta.url), "utf8");
