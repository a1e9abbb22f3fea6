import { sql } from "kysely";
import type { Db } from "../types";

const shown = ["id", "url", "description", "events", "status", "disabled_reason", "failing_since", "created_at", "updated_at"] as const;

export type EndpointRow = Awaited<ReturnType<typeof listEndpoints>>[number];

export async function insertEndpoint(db: Db, e: { organizationId: string; url: string; description: string | null; events: string[]; secret: string }) {
  return db.insertInto("webhook_endpoints")
    .values({ organization_id: e.organizationId, url: e.url, description: e.description, events: e.events, secret: e.secret })
    .returning([...shown, "secret"]).executeTakeFirstOrThrow();
}

export async function listEndpoints(db: Db, organizationId: string) {
  return db.selectFrom("webhook_endpoints").select(shown).where("organization_id", "=", organizationId).orderBy("created_at").orderBy("id").execute();
}

export async function findEndpoint(db: Db, organizationId: string, id: string) {
  return db.selectFrom("webhook_endpoints").select([...shown, "secret"])
    .where("organization_id", "=", organizationId).where("id", "=", id).executeTakeFirst();
}

/** Re-enabling forgets the failures: the disable clock starts again at the next one. */
export async function updateEndpoint(db: Db, organizationId: string, id: string, change: {
  url?: string; description?: string | null; events?: string[]; enabled?: boolean; secret?: string;
}) {
  return db.updateTable("webhook_endpoints")
    .set({
      ...(change.url !== undefined ? { url: change.url } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.events !== undefined ? { events: change.events } : {}),
      ...(change.secret !== undefined ? { secret: change.secret } : {}),
      ...(change.enabled === true ? { status: "enabled", disabled_reason: null, failing_since: null } : {}),
      ...(change.enabled === false ? { status: "disabled", disabled_reason: "disabled through the API" } : {}),
      updated_at: sql`now()`,
    })
    .where("organization_id", "=", organizationId).where("id", "=", id)
    .returning([...shown, "secret"]).executeTakeFirst();
}

export async function deleteEndpoint(db: Db, organizationId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("webhook_endpoints").where("organization_id", "=", organizationId).where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The enabled endpoints of an organization that asked for this event type. */
export async function subscribedEndpoints(db: Db, organizationId: string, type: string) {
  return db.selectFrom("webhook_endpoints").select("id")
    .where("organization_id", "=", organizationId).where("status", "=", "enabled")
    .where(sql<boolean>`${type} = any(events)`).execute();
}

export async function insertEvent(db: Db, e: { id: string; organizationId: string; type: string; data: unknown }) {
  return db.insertInto("events").values({ id: e.id, organization_id: e.organizationId, type: e.type, data: JSON.stringify(e.data) })
    .onConflict((oc) => oc.column("id").doUpdateSet({ id: (eb) => eb.ref("excluded.id") }))
    .returning(["id", "type", "data", "created_at"]).executeTakeFirstOrThrow();
}

/** Events of the last `days`, newest first, after the cursor (a `seq`). */
export async function listEvents(db: Db, organizationId: string, q: { days: number; limit: number; before?: string; type?: string }) {
  let query = db.selectFrom("events").select([sql<string>`seq::text`.as("seq"), "id", "type", "data", "created_at"])
    .where("organization_id", "=", organizationId)
    .where("created_at", ">", sql<Date>`now() - make_interval(days => ${q.days})`);
  if (q.before) query = query.where("seq", "<", q.before);
  if (q.type) query = query.where("type", "=", q.type);
  return query.orderBy("seq", "desc").limit(q.limit).execute();
}

export async function findEvent(db: Db, organizationId: string, id: string) {
  return db.selectFrom("events").select(["id", "type", "data", "created_at"])
    .where("organization_id", "=", organizationId).where("id", "=", id).executeTakeFirst();
}

/** One endpoint and one event, with the organization they must share: what a delivery needs. */
export async function deliveryTarget(db: Db, endpointId: string, eventId: string) {
  return db.selectFrom("webhook_endpoints as w").innerJoin("events as e", "e.organization_id", "w.organization_id")
    .select(["w.id as endpoint_id", "w.organization_id", "w.url", "w.secret", "w.status", "w.failing_since",
      "e.id as event_id", "e.type", "e.data", "e.created_at"])
    .where("w.id", "=", endpointId).where("e.id", "=", eventId).executeTakeFirst();
}

/**
 * Kept events an enabled endpoint asked for but never got an attempt at: their publish was lost
 * (a crash between the commit that kept them and the queue). Endpoints registered after the event
 * were not subscribed when it happened and are left out.
 */
export async function findLostEndpointEvents(db: Db, q: { olderThanSeconds: number; lookbackSeconds: number; limit: number }) {
  return db.selectFrom("events as e")
    .innerJoin("webhook_endpoints as w", (join) => join.onRef("w.organization_id", "=", "e.organization_id")
      .on("w.status", "=", "enabled").onRef("w.created_at", "<=", "e.created_at").on(sql<boolean>`e.type = any(w.events)`))
    .select(["e.id as event_id", "w.id as endpoint_id"])
    .where("e.created_at", "<", sql<Date>`now() - make_interval(secs => ${q.olderThanSeconds})`)
    .where("e.created_at", ">", sql<Date>`now() - make_interval(secs => ${q.lookbackSeconds})`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("endpoint_deliveries as d").select("d.id")
      .whereRef("d.event_id", "=", "e.id").whereRef("d.endpoint_id", "=", "w.id"))))
    .orderBy("e.seq").limit(q.limit).execute();
}

export async function recordEndpointAttempt(db: Db, a: {
  endpointId: string; eventId: string; attempt: number; statusCode: number | null; outcome: "delivered" | "retrying" | "failed"; error: string | null;
}) {
  await db.insertInto("endpoint_deliveries").values({
    endpoint_id: a.endpointId, event_id: a.eventId, attempt: a.attempt, status_code: a.statusCode, outcome: a.outcome, error: a.error,
  }).execute();
}

export async function listEndpointDeliveries(db: Db, endpointId: string, limit: number, before?: string) {
  let query = db.selectFrom("endpoint_deliveries")
    // bigint ids leave as text on every driver.
    .select([sql<string>`id::text`.as("id"), "event_id", "attempt", "status_code", "outcome", "error", "created_at"]).where("endpoint_id", "=", endpointId);
  if (before) query = query.where("id", "<", before);
  return query.orderBy("id", "desc").limit(limit).execute();
}

export async function findEndpointDelivery(db: Db, endpointId: string, id: string) {
  return db.selectFrom("endpoint_deliveries").select(["id", "event_id"]).where("endpoint_id", "=", endpointId).where("id", "=", id).executeTakeFirst();
}

/** After a delivered event: the endpoint is not failing any more. */
export async function endpointSucceeded(db: Db, endpointId: string) {
  await db.updateTable("webhook_endpoints").set({ failing_since: null }).where("id", "=", endpointId).where("failing_since", "is not", null).execute();
}

/**
 * After an event that failed every attempt: remembers since when the endpoint fails, and disables it
 * once that is longer ago than `days`. Returns the endpoint when this call disabled it.
 */
export async function endpointFailed(db: Db, endpointId: string, days: number, now: Date) {
  await db.updateTable("webhook_endpoints").set({ failing_since: sql`coalesce(failing_since, ${now})` }).where("id", "=", endpointId).execute();
  return db.updateTable("webhook_endpoints")
    .set({ status: "disabled", disabled_reason: `every delivery failed for ${days} days`, updated_at: now })
    .where("id", "=", endpointId).where("status", "=", "enabled")
    .where("failing_since", "<=", new Date(now.getTime() - days * 86_400_000))
    .returning(["id", "organization_id", "url", "failing_since"]).executeTakeFirst();
}
