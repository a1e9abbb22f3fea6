import { sql } from "kysely";
import type { Db, TickOutcome } from "../types";

const COLUMNS = ["id", "pipeline_id", "cron", "timezone", "from_phase", "next_run_at", "created_at"] as const;

export async function insertSchedule(db: Db, s: {
  organizationId: string; pipelineId: string; cron: string; timezone: string;
  fromPhase: string; nextRunAt: Date | null; createdBy: string;
}) {
  return db.insertInto("schedules").values({
    organization_id: s.organizationId, pipeline_id: s.pipelineId, cron: s.cron, timezone: s.timezone,
    from_phase: s.fromPhase, next_run_at: s.nextRunAt, created_by: s.createdBy,
  }).returning(COLUMNS).executeTakeFirstOrThrow();
}

export async function findSchedule(db: Db, organizationId: string, id: string) {
  return db.selectFrom("schedules").select(COLUMNS).where("id", "=", id).where("organization_id", "=", organizationId)
    .where("deleted_at", "is", null).executeTakeFirst();
}

export async function listSchedules(db: Db, organizationId: string, limit: number, offset: number) {
  const base = db.selectFrom("schedules").where("organization_id", "=", organizationId).where("deleted_at", "is", null);
  const [items, total] = await Promise.all([
    base.select(COLUMNS).orderBy("created_at", "desc").orderBy("id").limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** Soft delete: the schedule stops firing and disappears, its ticks stay as history. */
export async function deleteSchedule(db: Db, organizationId: string, id: string) {
  const result = await db.updateTable("schedules").set({ deleted_at: new Date(), next_run_at: null })
    .where("id", "=", id).where("organization_id", "=", organizationId).where("deleted_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function listTicks(db: Db, scheduleId: string, limit = 20) {
  return db.selectFrom("schedule_ticks").select(["due_at", "outcome", "detail", "created_at"])
    .where("schedule_id", "=", scheduleId).orderBy("id", "desc").limit(limit).execute();
}

export async function dueSchedules(db: Db, now: Date, limit = 100) {
  return db.selectFrom("schedules").select(["id", "organization_id", "pipeline_id", "cron", "timezone", "from_phase", "next_run_at"])
    .where("deleted_at", "is", null).where("next_run_at", "<=", now).orderBy("next_run_at").limit(limit).execute();
}

/**
 * Claims one due time in one statement: moves next_run_at on only if it still holds the due time
 * this tick read, and writes the tick row, unique per (schedule, due time). Of overlapping ticks
 * exactly one gets the row back; the others fire nothing. The row reads as interrupted until the
 * outcome is settled, so a crash mid-rerun leaves a visible tick rather than none.
 */
export async function claimTick(db: Db, id: string, dueAt: Date, nextRunAt: Date | null) {
  const row = await db
    .with("claimed", (qb) => qb.updateTable("schedules").set({ next_run_at: nextRunAt })
      .where("id", "=", id).where("next_run_at", "=", dueAt).where("deleted_at", "is", null).returning("id"))
    .insertInto("schedule_ticks")
    .columns(["schedule_id", "due_at", "outcome", "detail"])
    .expression((eb) => eb.selectFrom("claimed").select([
      "claimed.id",
      sql<Date>`${dueAt}::timestamptz`.as("due_at"),
      sql<TickOutcome>`'failed'`.as("outcome"),
      sql<string>`'interrupted before the outcome was recorded'`.as("detail"),
    ]))
    .onConflict((oc) => oc.columns(["schedule_id", "due_at"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

export async function settleTick(db: Db, tickId: string, outcome: TickOutcome, detail: string | null) {
  await db.updateTable("schedule_ticks").set({ outcome, detail }).where("id", "=", tickId).execute();
}
