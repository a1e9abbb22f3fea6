import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { findDataProduct } from "../db/queries/data-products";
import { listDecisions, listReviewItems } from "../db/queries/reviews";
import { notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import { decideReview } from "../review/decide";
import { IdParam, PageQuery, withOffset } from "./params";
import { ownPipeline } from "./pipelines";

const ReviewQuery = v.object({
  status: v.optional(v.picklist(["open", "decided"])),
  ...PageQuery.entries,
});
const DecisionsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "200"),
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,18}$/, "must be a decision id"))),
});
const ItemParam = v.object({ item_id: v.pipe(v.string(), v.uuid("must be a UUID")) });
const DecisionBody = v.strictObject({
  decision: v.picklist(["approve", "override", "reject"]),
  value: v.optional(v.unknown()),
  comment: v.optional(v.pipe(v.string(), v.maxLength(2000))),
});

/** Review: parked cells waiting for a person, and the decision log that outlives reruns. */
export const reviewRoutes = new Hono<AppEnv>()
  .get("/data-products/:id/reviews", describeRoute({
    summary: "List review items of a data product",
    tags: ["reviews"],
    responses: success(200, "{ items, limit, offset }"),
  }), requireScope("read"), valid("param", IdParam), valid("query", ReviewQuery), async (c) => {
    const { db } = c.get("services");
    const product = await findDataProduct(db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!product) throw notFound("data product");
    const q = withOffset(c.req.valid("query"));
    return c.json({ items: await listReviewItems(db, product.pipeline_id, q.status, q.limit, q.offset), limit: q.limit, offset: q.offset });
  })
  .post("/reviews/:item_id/decision", describeRoute({
    summary: "Approve, override or reject a parked cell",
    tags: ["reviews"],
    responses: success(201, "The decision, added to the decision log"),
  }), requireScope("write"), valid("param", ItemParam), valid("json", DecisionBody), async (c) => {
    const decision = await decideReview(c.get("services"), c.get("caller"), c.req.valid("param").item_id, c.req.valid("json"));
    return c.json(decision, 201);
  })
  .get("/pipelines/:id/review-decisions", describeRoute({
    summary: "The run’s decision log",
    tags: ["reviews"],
    responses: success(200, "{ items, next_after }"),
  }), requireScope("read"), valid("param", IdParam), valid("query", DecisionsQuery), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    const q = c.req.valid("query");
    const items = await listDecisions(services.db, pipeline.id, q.limit, q.after);
    return c.json({ items, next_after: items.length === q.limit ? items[items.length - 1].id : null });
  });
