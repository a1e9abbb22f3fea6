import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hasScope, looksLikeApiKey, mintApiKey } from "../api-keys";
import { bootstrapOrganization } from "../bootstrap";
import { sha256Hex } from "../crypto";
import { findActiveKey, insertApiKey } from "../db/queries/api-keys";
import { firstOrganization } from "../db/queries/organizations";
import type { Db } from "../db/types";

export const ADMIN_KEY_FILE = "admin-key";

async function stillAdmin(db: Db, secret: string): Promise<boolean> {
  if (!looksLikeApiKey(secret)) return false;
  const key = await findActiveKey(db, await sha256Hex(secret));
  return key !== undefined && hasScope(key.scopes, "admin");
}

/**
 * The embedded data folder keeps a working admin key in `<dataDir>/admin-key` (mode 600), so
 * nobody has to find the one line a first start printed: an empty folder gets an organization and
 * its key; a folder whose file is missing, or holds a revoked key, gets a new admin key for the
 * first organization. Returns the key and whether it was made now.
 */
export async function ensureAdminKeyFile(db: Db, dataDir: string): Promise<{ path: string; secret: string; created: boolean }> {
  const path = join(dataDir, ADMIN_KEY_FILE);
  const kept = existsSync(path) ? readFileSync(path, "utf8").trim() : "";
  if (kept && (await stillAdmin(db, kept))) return { path, secret: kept, created: false };
  const organization = await firstOrganization(db);
  let secret: string;
  if (!organization) {
    secret = (await bootstrapOrganization(db)).api_key;
  } else {
    const key = await mintApiKey();
    await insertApiKey(db, { organizationId: organization.id, name: "local admin (admin-key file)", prefix: key.prefix, hash: key.hash, scopes: ["admin"] });
    secret = key.secret;
  }
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { path, secret, created: true };
}
