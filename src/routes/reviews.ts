import { describeRoute } from "hono-openapi";
import { idempotentWrite } from "./idempotency";
import { Hono } from "hono";
import * as v from "valibot";
import { named } from "../named-schema";
import { findDataProduct } from "../db/queries/data-products";
import { listDecisions, listReviewItems } from "../db/queries/reviews";
import { notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { listPage, offsetPage } from "../http/list";
import { failure, success } from "../http/openapi";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { decideReview } from "../review/decide";
import { IdParam, PageQuery, withOffset } from "./params";
import { ownPipeline } from "./pipelines";
import { Timestamp, Uuid } from "./schema-fields";

const ReviewQuery = v.object({
  status: v.optional(v.pipe(v.picklist(["open", "decided"]), v.description("only open (waiting) or only decided items"))),
  ...PageQuery.entries,
});
const DecisionCursor = v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be a decision id"));
const DecisionsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "200"),
  cursor: v.optional(v.pipe(DecisionCursor, v.description("the `next_cursor` of the previous page"))),
  after: v.optional(v.pipe(DecisionCursor, v.description("deprecated alias of `cursor`"))),
});
const ItemParam = v.object({ item_id: v.pipe(v.string(), v.uuid("must be a UUID"), v.description("a review item's id")) });
const Decision = named("DecisionKind", v.pipe(
  v.picklist(["approve", "override", "reject", "confirm_absent"]),
  v.description("approve: release the candidate; override: release `value` instead; reject: release nothing (no_result); "
    + "confirm_absent: the value is not in the document (no_result, confirmed_absent)"),
));
const DecisionBody = v.strictObject({
  decision: Decision,
  value: v.optional(v.pipe(
    v.unknown(),
    v.description("override only, required there: the value to publish, checked against the field's (or column's) type"),
  )),
  comment: v.optional(v.pipe(v.string(), v.maxLength(2000), v.description("why; kept in the decision log"))),
});

const ReviewItemSchema = named("ReviewItem", v.object({
  id: Uuid,
  document_id: Uuid,
  external_id: v.nullable(v.string()),
  filename: v.nullable(v.string()),
  field: v.string(),
  item_index: v.pipe(v.nullable(v.number()), v.description("a line item's index, for an item cell of a table field")),
  column: v.pipe(v.nullable(v.string()), v.description("the table column, for an item cell")),
  gate: v.pipe(v.string(), v.description("the validation rule that parked the cell")),
  phase_index: v.number(),
  reason: v.object({ code: v.string(), summary: v.string(), message: v.string() }),
  candidate: v.pipe(v.unknown(), v.description("the value the cell would publish if approved")),
  status: v.picklist(["open", "decided"]),
  created_at: Timestamp,
  decided_at: v.nullable(Timestamp),
  decision: v.nullable(Decision),
  decided_value: v.pipe(v.unknown(), v.description("an override's value; null otherwise")),
  comment: v.nullable(v.string()),
  decided_by: v.pipe(v.nullable(Uuid), v.description("the id of the API key that decided")),
}));
const ReviewItemList = named("ReviewItemPage", listPage(ReviewItemSchema));
const DecisionSchema = named("Decision", v.object({
  id: v.pipe(v.string(), v.description("ascending in the order decisions were made; the decision log's cursor")),
  pipeline_id: Uuid,
  document_id: Uuid,
  review_item_id: Uuid,
  field: v.string(),
  gate: v.string(),
  item_index: v.nullable(v.number()),
  item_column: v.nullable(v.string()),
  item_text: v.pipe(v.nullable(v.string()), v.description("the item's source text; the decision follows the item while it keeps it")),
  decision: Decision,
  value: v.pipe(v.unknown(), v.description("an override's value; null otherwise")),
  comment: v.nullable(v.string()),
  decided_by: v.pipe(Uuid, v.description("the id of the API key that decided")),
  decided_at: Timestamp,
}));
const DecisionList = named("DecisionPage", listPage(DecisionSchema));

const REVIEW_ITEM_EXAMPLE = {
  id: "7d2c5e81-94b3-4f0a-8e6d-1a3b5c7d9e20",
  document_id: "c41f8a26-0b7e-4d93-a5c2-6e8f1d3b7a94",
  external_id: "INV-2026-0042",
  filename: "invoice-0042.pdf",
  field: "total",
  item_index: null,
  column: null,
  gate: "sane_total",
  phase_index: 3,
  reason: { code: "rule_failed", summary: "sane_total failed", message: "total must be below 10000" },
  candidate: 25000,
  status: "open",
  created_at: "2026-11-30T09:41:07.233Z",
  decided_at: null,
  decision: null,
  decided_value: null,
  comment: null,
  decided_by: null,
};
const DECISION_EXAMPLE = {
  id: "1284",
  pipeline_id: "9a4e2f71-6c3b-4d8a-a0f5-31e7b2c94d10",
  document_id: "c41f8a26-0b7e-4d93-a5c2-6e8f1d3b7a94",
  review_item_id: "7d2c5e81-94b3-4f0a-8e6d-1a3b5c7d9e20",
  field: "total",
  gate: "sane_total",
  item_index: null,
  item_column: null,
  item_text: null,
  decision: "override",
  value: 2500,
  comment: "decimal point missed by the scan",
  decided_by: "5b0e7c1a-3f2d-4e8b-9a61-2c4d8f7e1b03",
  decided_at: "2026-11-30T10:02:55.870Z",
};

const listReviewItemsRoute = describeRoute({
  operationId: "listReviewItems",
  summary: "List review items of a data product",
  description: "Cells parked by a blocking gate, oldest first, with the candidate value and, once decided, the decision.",
  tags: ["reviews"],
  responses: success(200, "A page of review items", ReviewItemList, {
    example: { items: [REVIEW_ITEM_EXAMPLE], limit: 50, offset: 0, next_cursor: null },
  }),
});
const decideReviewItemRoute = describeRoute({
  operationId: "decideReviewItem",
  summary: "Approve, override or reject a parked cell",
  description: "An override's value is checked against the field's type (400 at `value`); only an override takes a value.",
  tags: ["reviews"],
  responses: {
    ...success(201, "The decision, added to the decision log", DecisionSchema, { example: DECISION_EXAMPLE }),
    ...failure(409, "The item was already decided"),
  },
});
const listReviewDecisionsRoute = describeRoute({
  operationId: "listReviewDecisions",
  summary: "The run’s decision log",
  description: "Every decision on the run, oldest first; kept across reruns.",
  tags: ["reviews"],
  responses: success(200, "A page of the decision log", DecisionList, {
    example: { items: [DECISION_EXAMPLE], limit: 200, next_cursor: null },
  }),
});

/** A decision log entry as the API shows it: its bigint id as text, the organization left out (it is the caller's). */
function presentDecision({ organization_id: _organization, id, ...decision }: Awaited<ReturnType<typeof listDecisions>>[number]) {
  return { id: String(id), ...decision };
}

/** Review: parked cells waiting for a person, and the decision log that outlives reruns. */
export const reviewRoutes = new Hono<AppEnv>()
  .get("/data-products/:id/reviews", listReviewItemsRoute, requireScope("read"), valid("param", IdParam), valid("query", ReviewQuery), async (c) => {
    const { db } = c.get("services");
    const product = await findDataProduct(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!product) throw notFound("data product");
    const q = withOffset(c.req.valid("query"));
    const items = await listReviewItems(db, product.pipeline_id, q.status, q.limit, q.offset);
    return reply(c, ReviewItemList, offsetPage(items, { limit: q.limit, offset: q.offset }));
  })
  .post("/reviews/:item_id/decision", decideReviewItemRoute, requireScope("write"), valid("param", ItemParam), valid("json", DecisionBody), idempotentWrite(), async (c) => {
    const decision = await decideReview(c.get("services"), c.get("caller"), c.req.valid("param").item_id, c.req.valid("json"));
    return reply(c, DecisionSchema, presentDecision(decision), 201);
  })
  .get("/pipelines/:id/review-decisions", listReviewDecisionsRoute, requireScope("read"), valid("param", IdParam), valid("query", DecisionsQuery),
    async (c) => {
      const services = c.get("services");
      const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
      const q = c.req.valid("query");
      const items = (await listDecisions(services.db, pipeline.id, q.limit, q.cursor ?? q.after)).map(presentDecision);
      return reply(c, DecisionList, { items, limit: q.limit, next_cursor: items.length === q.limit ? items[items.length - 1].id : null });
    });
