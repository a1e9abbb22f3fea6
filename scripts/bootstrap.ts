import { bootstrapOrganization } from "../src/bootstrap";
import { migrate } from "../src/db/migrate";
import { openConfiguredDb, schemaSql } from "./db";

/** `npm run bootstrap [name]`: a new organization and admin key, printed as one JSON line. */
const handle = await openConfiguredDb("npm run bootstrap");
try {
  await migrate(handle, schemaSql());
  console.log(JSON.stringify(await bootstrapOrganization(handle.db, process.argv[2] ?? "default")));
} finally {
  await handle.close();
}
