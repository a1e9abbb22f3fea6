import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version";
import { startFileServer, readBody } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDocuments, settle } from "../support/pipelines";
import { createProduct, finishedRunWithParkedCell, openReviews } from "../support/products";

/** Endpoints an organization registers once, for the events each wants; every event kept 30 days. */
interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
let t: TestApp;
// Real time (receivers check the signed timestamp), moved forward by the test that waits for days.
let offsetMs = 0;
let receiver: Awaited<ReturnType<typeof startFileServer>>;
const received: Received[] = [];

const hook = (status: number) => async (req: IncomingMessage, res: ServerResponse) => {
  received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body: await readBody(req) });
  res.writeHead(status).end();
};

beforeAll(async () => {
  receiver = await startFileServer({ "/erp": hook(204), "/reviews": hook(204), "/down": hook(503) });
  t = await startTestApp({ clock: { now: () => new Date(Date.now() + offsetMs) }, env: { FETCH_ALLOW_HOSTS: "127.0.0.1", QUEUE_MAX_RETRIES: "1", WEBHOOK_DISABLE_AFTER_DAYS: "3" } });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const register = async (path: string, events: string[]) => {
  const res = await t.request("/v1/webhook-endpoints", { method: "POST", json: { url: `${receiver.base}${path}`, events, description: path } });
  expect(res.status).toBe(201);
  return res.json() as Promise<{ id: string; secret: string; status: string }>;
};
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as { type: string; data: Record<string, unknown> };

describe("webhook endpoints", () => {
  it("deliver each organization event to the endpoints that want it, signed with their own secret", async () => {
    const erp = await register("/erp", ["run.completed"]);
    const reviews = await register("/reviews", ["review.needed", "document.reviewed"]);
    expect(erp.secret).toMatch(/^whsec_/);
    const run = await finishedRunWithParkedCell(t);
    await settle(t);
    const toErp = received.filter((r) => r.path === "/erp");
    expect(toErp).toHaveLength(1);
    expect(verify(erp.secret, toErp[0])).toMatchObject({ type: "run.completed", data: { id: run.id } });
    expect(toErp[0].headers["user-agent"]).toBe(`Sluice-Webhooks/${VERSION}`);
    expect(() => verify(reviews.secret, toErp[0])).toThrow();
    const needed = received.filter((r) => r.path === "/reviews");
    expect(needed.map((r) => verify(reviews.secret, r).type)).toEqual(["review.needed"]);

    const { body: product } = await createProduct(t, run.id);
    const [item] = await openReviews(t, product.dataProduct.id);
    await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "reject" } });
    await settle(t);
    expect(received.filter((r) => r.path === "/reviews").map((r) => verify(reviews.secret, r).type)).toEqual(["review.needed", "document.reviewed"]);

    // Every event is listed, newest first, paged; the attempts per endpoint too.
    const events = await (await t.request("/v1/events?limit=2")).json();
    expect(events.items.map((e: { type: string }) => e.type)).toEqual(["document.reviewed", "data_product.updated"]);
    const rest = await (await t.request(`/v1/events?limit=2&cursor=${events.next_cursor}`)).json();
    expect(rest.items.map((e: { type: string }) => e.type)).toContain("run.completed");
    const one = await (await t.request(`/v1/events/${events.items[0].id}`)).json();
    expect(one).toEqual(events.items[0]);
    const attemptsRes = await t.request(`/v1/webhook-endpoints/${erp.id}/deliveries`);
    const attempts = await attemptsRes.json();
    expect(attemptsRes.status, JSON.stringify(attempts)).toBe(200);
    expect(attempts.items).toMatchObject([{ outcome: "delivered", status_code: 204, attempt: 0 }]);

    // A retry sends the same event again, same webhook-id.
    received.length = 0;
    const retry = await t.request(`/v1/webhook-endpoints/${erp.id}/deliveries/${attempts.items[0].id}/retry`, { method: "POST" });
    expect(retry.status).toBe(202);
    await settle(t);
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([toErp[0].headers["webhook-id"]]);
  });

  it("rotates a secret, changes and deletes endpoints, and keeps them to their organization and to admins", async () => {
    const endpoint = await register("/erp", ["run.completed"]);
    const rotated = await (await t.request(`/v1/webhook-endpoints/${endpoint.id}/secret/rotate`, { method: "POST" })).json();
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect((await (await t.request(`/v1/webhook-endpoints/${endpoint.id}`)).json()).secret).toBe(rotated.secret);
    const patched = await t.request(`/v1/webhook-endpoints/${endpoint.id}`, { method: "PATCH", json: { events: ["review.needed"], enabled: false } });
    expect(await patched.json()).toMatchObject({ events: ["review.needed"], status: "disabled" });
    const list = await (await t.request("/v1/webhook-endpoints")).json();
    expect(list.items.every((e: Record<string, unknown>) => !("secret" in e))).toBe(true);
    const other = await t.otherTenant();
    expect((await t.request(`/v1/webhook-endpoints/${endpoint.id}`, { key: other.api_key })).status).toBe(404);
    expect((await t.request("/v1/webhook-endpoints", { key: await t.createKey(["write"]) })).status).toBe(403);
    const bad = await t.request("/v1/webhook-endpoints", { method: "POST", json: { url: "http://localhost:1/x", events: ["run.complete"] } });
    const details = (await bad.json()).error.details;
    expect(details.map((d: { path: string }) => d.path)).toContain("events.0");
    expect(details[0].message).toContain('did you mean "run.completed"');
    expect((await t.request(`/v1/webhook-endpoints/${endpoint.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await t.request(`/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });

  it("disables an endpoint failing for WEBHOOK_DISABLE_AFTER_DAYS and says so in an event; per-run webhook_url still works", async () => {
    for (const e of (await (await t.request("/v1/webhook-endpoints")).json()).items) await t.request(`/v1/webhook-endpoints/${e.id}`, { method: "DELETE" });
    const down = await register("/down", ["run.completed"]);
    const watcher = await register("/erp", ["webhook_endpoint.disabled"]);
    received.length = 0;
    await createPipeline(t, { documents: invoiceDocuments(1), webhook_url: `${receiver.base}/reviews` });
    await settle(t);
    expect((await (await t.request(`/v1/webhook-endpoints/${down.id}`)).json()).status).toBe("enabled");
    expect(received.filter((r) => r.path === "/reviews")).toHaveLength(1);
    offsetMs = 3 * 86_400_000;
    await createPipeline(t, { documents: invoiceDocuments(1) });
    await settle(t);
    const after = await (await t.request(`/v1/webhook-endpoints/${down.id}`)).json();
    expect(after).toMatchObject({ status: "disabled", disabled_reason: "every delivery failed for 3 days" });
    // Signed three days ahead of the receiver's clock: read, not verified.
    const told = received.filter((r) => r.path === "/erp").map((r) => JSON.parse(r.body));
    expect(watcher.secret).toMatch(/^whsec_/);
    expect(told).toMatchObject([{ type: "webhook_endpoint.disabled", data: { endpoint: { id: down.id } } }]);
  });
});
