import { randomToken, sha256Hex } from "../crypto";
import { insertShareToken } from "../db/queries/share-tokens";
import type { Db } from "../db/types";

/** `shr_` + 256 random bits; only the SHA-256 is stored, the secret is returned once. */
export const SHARE_TOKEN_PREFIX = "shr_";
const SHARE_TOKEN_SHAPE = /^shr_[A-Za-z0-9_-]{43}$/;

export const looksLikeShareToken = (candidate: string) => SHARE_TOKEN_SHAPE.test(candidate);

/** Where a token's public reads live: the HTML page for people and the CSV download. */
export const shareLinks = (publicUrl: string, secret: string) => ({
  url: `${publicUrl}/share/${secret}`,
  csv_url: `${publicUrl}/share/${secret}.csv`,
});

export async function mintShareToken(
  db: Db, organizationId: string, dataProductId: string, expiresAt: Date | null, kind: "automatic" | "manual" = "manual",
) {
  const secret = randomToken(SHARE_TOKEN_PREFIX);
  const prefix = secret.slice(0, SHARE_TOKEN_PREFIX.length + 6);
  const row = await insertShareToken(db, { organizationId, dataProductId, hash: await sha256Hex(secret), prefix, expiresAt, kind });
  return { secret, row };
}
