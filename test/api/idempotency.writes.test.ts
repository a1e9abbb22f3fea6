import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

/** Idempotency-Key on every write: a repeat replays, another body is a 422, a secret is never stored. */
let t: TestApp;
let runId: string;
let productId: string;
beforeAll(async () => {
  t = await startTestApp();
  runId = (await finishedRunWithParkedCell(t)).id;
  productId = (await createProduct(t, runId)).body.dataProduct.id;
});
afterAll(() => t.close());

const send = (path: string, key: string, json: unknown, method = "POST") =>
  t.request(path, { method, json, headers: { "Idempotency-Key": key } });
const count = async (table: "schedules" | "templates" | "api_keys" | "share_tokens") =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);

describe("a write sent twice with one Idempotency-Key", () => {
  it("makes one schedule and one template, and replays the first answer", async () => {
    for (const [path, body, changed, table] of [
      ["/v1/schedules", { pipeline_id: runId, cron: "*/5 * * * *", from_phase: "validation" }, { cron: "0 * * * *" }, "schedules"],
      ["/v1/templates", { name: "Invoices", ...invoiceDefinition }, { name: "Other" }, "templates"],
    ] as const) {
      const before = await count(table);
      const first = await send(path, `k-${table}`, body);
      const again = await send(path, `k-${table}`, body);
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get("Idempotency-Replayed")).toBe("true");
      expect(await again.json()).toEqual(await first.json());
      expect(await count(table)).toBe(before + 1);
      const other = await send(path, `k-${table}`, { ...body, ...changed });
      expect(other.status).toBe(422);
    }
  });

  it("decides a review once and reruns once", async () => {
    await settle(t);
    const [item] = await openReviews(t, productId);
    const first = await send(`/v1/reviews/${item.id}/decision`, "k-decide", { decision: "override", value: 2500 });
    const again = await send(`/v1/reviews/${item.id}/decision`, "k-decide", { decision: "override", value: 2500 });
    expect([first.status, again.status, again.headers.get("Idempotency-Replayed")]).toEqual([201, 201, "true"]);
    expect((await again.json()).id).toBe((await first.json()).id);
    const rerun = await send(`/v1/pipelines/${runId}/rerun`, "k-rerun", { from_phase: "validation" });
    const rerunAgain = await send(`/v1/pipelines/${runId}/rerun`, "k-rerun", { from_phase: "validation" });
    expect(await rerunAgain.json()).toEqual(await rerun.json());
    expect(rerunAgain.headers.get("Idempotency-Replayed")).toBe("true");
    await settle(t);
  });

  it("never stores a secret shown once: a key or share token replay answers 409 naming what was made", async () => {
    const before = await count("api_keys");
    const first = await send("/v1/api-keys", "k-key", { name: "ci", scopes: ["read"] });
    expect(first.status).toBe(201);
    const made = await first.json();
    const again = await send("/v1/api-keys", "k-key", { name: "ci", scopes: ["read"] });
    expect(again.status).toBe(409);
    expect((await again.json()).error.message).toContain(made.id);
    expect(await count("api_keys")).toBe(before + 1);
    const share = await send(`/v1/data-products/${productId}/share-tokens`, "k-share", {});
    expect(share.status).toBe(201);
    expect((await send(`/v1/data-products/${productId}/share-tokens`, "k-share", {})).status).toBe(409);
    const stored = await t.db.selectFrom("idempotency_keys").select("response_body").execute();
    const everything = JSON.stringify(stored);
    expect(everything).not.toContain(made.key);
    expect(everything).not.toContain("shr_");
  });

  it("is documented on every POST of the API", async () => {
    const document = await (await t.request("/openapi.json")).json();
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, { parameters?: Array<{ $ref?: string }> }>>)) {
      if (!path.startsWith("/v1/") || !item.post) continue;
      expect(item.post.parameters?.map((p) => p.$ref), path).toContain("#/components/parameters/Idempotency-Key");
    }
  });
});
