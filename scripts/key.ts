import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../src/config";
import { migrate } from "../src/db/migrate";
import { ADMIN_KEY_FILE, ensureAdminKeyFile } from "../src/entry/admin-key-file";
import { openConfiguredDb, schemaSql } from "./db";

/**
 * `npm run -s key`: the admin key of the local data folder, alone on one line, so
 * `export SLUICE_API_KEY=$(npm run -s key)` works whether or not `npm start` is running.
 * The running server keeps the file; without one, the folder is opened and the key made.
 */
const config = loadConfig(process.env);
if (config.databaseUrl) {
  console.error("npm run key: DATABASE_URL is set; keys of a Postgres database come from `npm run bootstrap` or POST /v1/api-keys");
  process.exit(1);
}
const path = join(config.dataDir, ADMIN_KEY_FILE);
if (existsSync(path)) {
  console.log(readFileSync(path, "utf8").trim());
} else {
  const handle = await openConfiguredDb("npm run key");
  try {
    await migrate(handle, schemaSql());
    console.log((await ensureAdminKeyFile(handle.db, config.dataDir)).secret);
  } finally {
    await handle.close();
  }
}
