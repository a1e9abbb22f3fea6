import { mintApiKey } from "./api-keys";
import { insertApiKey } from "./db/queries/api-keys";
import { createOrganization } from "./db/queries/organizations";
import type { Db } from "./db/types";

/** Creates an organization with one admin key; the secret exists only in the return value. */
export async function bootstrapOrganization(db: Db, name = "default") {
  return db.transaction().execute(async (trx) => {
    const organization = await createOrganization(trx, name);
    const key = await mintApiKey();
    await insertApiKey(trx, { organizationId: organization.id, name: "bootstrap admin", prefix: key.prefix, hash: key.hash, scopes: ["admin"] });
    return { organization_id: organization.id, api_key: key.secret };
  });
}
