import { migrate } from "../src/db/migrate";
import { openConfiguredDb, schemaSql } from "./db";

/** `npm run migrate`: applies schema.sql once per distinct text and prints what happened. */
const handle = await openConfiguredDb("npm run migrate");
try {
  const result = await migrate(handle, schemaSql());
  console.log(JSON.stringify(result));
} finally {
  await handle.close();
}
