import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("health and API keys", () => {
  it("reports health with a real database round trip and a request id, without a key", async () => {
    const res = await t.request("/healthz", { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", db: "ok", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("creates a key that is shown once, stored hashed and usable at once", async () => {
    const created = await t.request("/v1/api-keys", { method: "POST", json: { name: "ingest bot", scopes: ["write"] } });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ name: "ingest bot", scopes: ["write"], revoked_at: null });
    expect(body.key).toMatch(/^slk_[A-Za-z0-9_-]{43}$/);
    expect(body.key.startsWith(body.prefix)).toBe(true);

    const stored = await t.db.selectFrom("api_keys").select(["key_hash", "prefix"]).where("id", "=", body.id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(body.key);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await (await t.request("/v1/api-keys")).json();
    const entry = listed.items.find((item: { id: string }) => item.id === body.id);
    expect(entry).toMatchObject({ id: body.id, prefix: body.prefix });
    expect(entry.key).toBeUndefined();
    expect(JSON.stringify(listed)).not.toContain(body.key);
    // The one list envelope: every key in one page, so no next cursor.
    expect(listed).toMatchObject({ limit: listed.items.length, next_cursor: null });

    const withNewKey = await t.request("/healthz", { key: body.key });
    expect(withNewKey.status).toBe(200);
    const useIt = await t.request(`/v1/api-keys/${body.id}`, { key: body.key });
    expect(useIt.status).toBe(403); // write < admin
  });

  it("accepts the key as a Bearer token as well as X-API-Key", async () => {
    const res = await t.request("/v1/api-keys", { key: null, headers: { Authorization: `Bearer ${t.adminKey}` } });
    expect(res.status).toBe(200);
  });

  it("revokes a key so it stops working, and a second revoke finds nothing", async () => {
    const key = await t.createKey(["admin"]);
    const listed = await (await t.request("/v1/api-keys", { key })).json();
    const self = listed.items.find((item: { prefix: string }) => key.startsWith(item.prefix));
    const revoked = await t.request(`/v1/api-keys/${self.id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).revoked_at).toBeTruthy();
    expect((await t.request("/v1/api-keys", { key })).status).toBe(401);
    expect((await t.request(`/v1/api-keys/${self.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("sets RateLimit headers on every /v1 response", async () => {
    const res = await t.request("/v1/api-keys");
    expect(Number(res.headers.get("ratelimit-limit"))).toBeGreaterThan(0);
    expect(res.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
    expect(res.headers.get("ratelimit-reset")).toMatch(/^\d+$/);
  });
});
