import { sql, type Transaction } from "kysely";
import { finalStatusSql } from "../db/queries/deliveries";
import { applyDecidedCell, applyDecisionToVersion, countOpenItems, insertDecision, lockReviewItem } from "../db/queries/reviews";
import type { Database, Decision } from "../db/types";
import { badRequest, conflict, notFound } from "../errors";
import type { Caller, Services } from "../http/env";
import type { CompiledPipeline } from "../pipeline/definition";
import { documentOutcome } from "../pipeline/outcome";
import { checkValueForField } from "../pipeline/override";
import { decidedCell } from "../pipeline/cells";
import { deriveFields } from "../pipeline/derived";
import type { Cells } from "../pipeline/types";
import { emitEvent, emitRunEvents, stableEventId } from "../webhooks/endpoints";
import { reviewPublished } from "../webhooks/product-updated";
import { publishWebhook } from "../webhooks/deliver";
import { isEmptyValue, reviewedCell } from "./reviewed-cell";

export interface DecisionInput {
  decision: Decision;
  value?: unknown;
  comment?: string;
}

/**
 * Records a reviewer's decision in one transaction: the decision log entry, the item, the cell and
 * the values derived from it (current and every later snapshot), the document's outcome with its
 * run's counters, and the document's row of its generation (readers see it if that one is published). The
 * API and the review console both decide through here.
 */
export async function decideReview(services: Services, caller: Caller, itemId: string, input: DecisionInput) {
  if (input.decision !== "override" && input.value !== undefined) {
    throw badRequest("only an override takes a value", [{ path: "value", message: "allowed only with decision 'override'" }]);
  }
  const { decision, reviewed, updated } = await recordDecision(services, caller, itemId, input);
  if (updated) {
    await emitEvent(services, caller.organizationId, "data_product.updated", updated.data, await stableEventId(updated.key))
      .catch((error) => services.logger.warn("data_product.updated emission failed", { decision_id: String(decision.id), error: String(error) }));
  }
  if (reviewed) await announceReviewed(services, reviewed);
  return decision;
}

/** After the commit: a document whose last open item was just decided is announced to the run's webhook. */
async function announceReviewed(
  services: Services,
  { hasWebhook, ...m }: { pipeline_id: string; generation: number; document_id: string; decision_id: string; hasWebhook: boolean },
) {
  if (hasWebhook) {
    await publishWebhook(services, { event: "document.reviewed", ...m })
      .catch((error) => services.logger.warn("document.reviewed publish failed", { ...m, error: String(error) }));
  }
  await emitRunEvents(services, m.pipeline_id, m.generation, { event: "document.reviewed", document_id: m.document_id, decision_id: m.decision_id });
}

function recordDecision(services: Services, caller: Caller, itemId: string, input: DecisionInput) {
  return services.db.transaction().execute(async (trx) => {
    const item = await lockReviewItem(trx, caller.organizationId, itemId);
    if (!item) throw notFound("review item");
    if (item.status === "decided") throw conflict("this review item was already decided");
    if (item.product_status === "archived") throw conflict("the data product was archived; its items take no more decisions");
    const pipeline = item.config as unknown as CompiledPipeline;
    const cells = item.cells as Cells;
    const target = reviewedCell(pipeline, cells, item);
    if (input.decision === "approve" && isEmptyValue(target.cell?.value)) {
      throw badRequest(`${target.label} has no value to approve`, [{
        path: "decision", message: "override with the value from the document, or use 'confirm_absent' if it is not there",
      }]);
    }
    let value: unknown;
    if (input.decision === "override") {
      if (input.value === undefined) throw badRequest("an override needs a value", [{ path: "value", message: "required for decision 'override'" }]);
      const checked = checkValueForField(target.field, input.value);
      if (!checked.ok) throw badRequest(`value does not fit ${target.label}`, [{ path: "value", message: checked.message }]);
      value = checked.value;
    }
    const decision = await insertDecision(trx, {
      organizationId: caller.organizationId, pipelineId: item.pipeline_id, documentId: item.document_id, itemId: item.id,
      field: item.field, gate: item.gate, decision: input.decision, value, comment: input.comment ?? null, keyId: caller.keyId, item: target.item,
    });
    await trx.updateTable("review_items").set({ status: "decided", decided_at: sql`now()` }).where("id", "=", item.id).execute();
    const decided = decidedCell(target.cell, { decision: input.decision, value, comment: input.comment });
    // An item cell is written at its own place, so snapshots keep their other items as they were.
    await applyDecidedCell(trx, item.document_id, item.field, item.phase_index, decided, target.item);
    // Values computed from the decided cell are recomputed: released with it, or held by another input.
    const before = { ...cells, [item.field]: target.within(decided) };
    const after = await deriveFields(pipeline, before, (item.options as { context?: Record<string, unknown> }).context, true);
    for (const name of Object.keys(after)) {
      if (JSON.stringify(after[name]) === JSON.stringify(before[name])) continue;
      await applyDecidedCell(trx, item.document_id, name, item.phase_index, after[name]);
    }
    const status = await settleDocumentOutcome(trx, item, pipeline, after);
    const released = await applyDecisionToVersion(trx, item.document_id, after, status);
    // Endpoints hear of every reviewed document; the run's own webhook only when it has one.
    const lastOpen = (await countOpenItems(trx, item.document_id)) === 0;
    const reviewed = lastOpen
      ? {
        pipeline_id: item.pipeline_id, generation: item.generation, document_id: item.document_id, decision_id: String(decision.id),
        hasWebhook: item.webhook_url !== null,
      }
      : undefined;
    // The data product's readers see a changed row: its subscribers hear of it.
    const product = item.product_id ? { id: item.product_id, name: item.product_name ?? "", pipeline_id: item.pipeline_id } : undefined;
    const updated = product && released
      ? reviewPublished(services.config.publicUrl, product, released, { document_id: item.document_id, decision_id: String(decision.id) })
      : undefined;
    return { decision, reviewed, updated };
  });
}

/** A decision can turn a `partial` document `complete` (and a finished run `completed`). */
async function settleDocumentOutcome(
  trx: Transaction<Database>,
  item: { document_id: string; pipeline_id: string; document_status: string },
  pipeline: CompiledPipeline,
  cells: Cells,
) {
  if (item.document_status !== "complete" && item.document_status !== "partial") return item.document_status;
  const outcome = documentOutcome(pipeline, cells);
  if (outcome === item.document_status) return outcome;
  const delta = outcome === "complete" ? 1 : -1;
  const complete = sql`complete_count + ${delta}`;
  await trx.updateTable("documents").set({ status: outcome }).where("id", "=", item.document_id).execute();
  await sql`update pipelines set complete_count = ${complete}, partial_count = partial_count - ${delta}, updated_at = now(),
              status = case when status = 'running' then status else ${finalStatusSql(complete, sql`error_count`, sql`cancelled_count`)} end
            where id = ${item.pipeline_id}`.execute(trx);
  return outcome;
}
