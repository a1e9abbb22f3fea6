import { sql } from "kysely";
import type { Db } from "../types";

export type Reservation =
  | { kind: "reserved" }
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "mismatch" }
  | { kind: "in_flight" };

/** A reservation whose request never finished (a crash before commit) may be taken over after this. */
const LEASE_SECONDS = 60;

/**
 * Reserves an Idempotency-Key for this organization, or says why not. The reservation and the
 * response are separate writes; the response is stored in the same transaction as the effect.
 */
export async function reserveIdempotencyKey(db: Db, organizationId: string, key: string, requestHash: string, ttlSeconds: number): Promise<Reservation> {
  const expires = sql<Date>`now() + make_interval(secs => ${ttlSeconds})`;
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({ organization_id: organizationId, key, request_hash: requestHash, expires_at: expires })
    .onConflict((oc) =>
      oc.columns(["organization_id", "key"]).doUpdateSet({
        request_hash: requestHash, created_at: sql`now()`, expires_at: expires,
        response_status: null, response_body: null,
      })
        .where((eb) => eb.or([
          eb("idempotency_keys.expires_at", "<", sql<Date>`now()`),
          eb.and([
            eb("idempotency_keys.response_status", "is", null),
            eb("idempotency_keys.created_at", "<", sql<Date>`now() - make_interval(secs => ${LEASE_SECONDS})`),
          ]),
        ])))
    .returning("key")
    .executeTakeFirst();
  if (inserted) return { kind: "reserved" };
  const existing = await db
    .selectFrom("idempotency_keys")
    .select(["request_hash", "response_status", "response_body"])
    .where("organization_id", "=", organizationId)
    .where("key", "=", key)
    .executeTakeFirst();
  if (!existing) return reserveIdempotencyKey(db, organizationId, key, requestHash, ttlSeconds);
  if (existing.request_hash !== requestHash) return { kind: "mismatch" };
  if (existing.response_status === null) return { kind: "in_flight" };
  return { kind: "replay", status: existing.response_status, body: existing.response_body };
}

export async function storeIdempotentResponse(db: Db, organizationId: string, key: string, status: number, body: unknown) {
  await db
    .updateTable("idempotency_keys")
    .set({ response_status: status, response_body: JSON.stringify(body) })
    .where("organization_id", "=", organizationId)
    .where("key", "=", key)
    .execute();
}

/** Frees a reservation whose request failed, so the client can retry with the same key. */
export async function releaseIdempotencyKey(db: Db, organizationId: string, key: string) {
  await db.deleteFrom("idempotency_keys").where("organization_id", "=", organizationId).where("key", "=", key).where("response_status", "is", null).execute();
}
