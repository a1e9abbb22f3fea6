import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const expectEnvelope = async (res: Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  return body;
};

describe("keys, scopes and tenancy", () => {
  it("401s a missing, garbled, unknown or malformed bearer key", async () => {
    await expectEnvelope(await t.request("/v1/api-keys", { key: null }), 401, "unauthorized");
    await expectEnvelope(await t.request("/v1/api-keys", { key: "not-a-key" }), 401, "unauthorized");
    await expectEnvelope(await t.request("/v1/api-keys", { key: `slk_${"A".repeat(43)}` }), 401, "unauthorized");
    await expectEnvelope(await t.request("/v1/api-keys", { key: null, headers: { Authorization: "Basic abc" } }), 401, "unauthorized");
  });

  it("403s a read-only key on a write route and changes nothing", async () => {
    const readKey = await t.createKey(["read"]);
    const before = await t.db.selectFrom("api_keys").select("id").where("organization_id", "=", t.organizationId).execute();
    await expectEnvelope(await t.request("/v1/api-keys", { key: readKey, method: "POST", json: { name: "x", scopes: ["admin"] } }), 403, "forbidden");
    const after = await t.db.selectFrom("api_keys").select("id").where("organization_id", "=", t.organizationId).execute();
    expect(after.length).toBe(before.length);
  });

  it("answers 404 for another tenant's key id, on read and on revoke", async () => {
    const other = await t.otherTenant();
    const theirs = await (await t.request("/v1/api-keys", { key: other.api_key })).json();
    const theirId = theirs.items[0].id;
    await expectEnvelope(await t.request(`/v1/api-keys/${theirId}`), 404, "not_found");
    await expectEnvelope(await t.request(`/v1/api-keys/${theirId}`, { method: "DELETE" }), 404, "not_found");
    expect((await t.request("/v1/api-keys", { key: other.api_key })).status).toBe(200);
    const mine = await (await t.request("/v1/api-keys")).json();
    expect(mine.items.map((k: { id: string }) => k.id)).not.toContain(theirId);
  });

  it("refuses to revoke the key making the request", async () => {
    const listed = await (await t.request("/v1/api-keys")).json();
    const self = listed.items.find((item: { prefix: string }) => t.adminKey.startsWith(item.prefix));
    await expectEnvelope(await t.request(`/v1/api-keys/${self.id}`, { method: "DELETE" }), 409, "conflict");
    expect((await t.request("/v1/api-keys")).status).toBe(200);
  });

  it("limits key lookups per client address before the database: a guessing client is refused, another client is not", async () => {
    const limited = await startTestApp({ env: { AUTH_LOOKUP_RATE_LIMIT_REQUESTS: "3" } });
    try {
      const guess = (i: number) => limited.request("/v1/api-keys", { key: `slk_${String(i).padStart(43, "A")}`, client: "10.9.0.1" });
      const statuses = [];
      let last!: Response;
      for (let i = 0; i < 4; i++) statuses.push((last = await guess(i)).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(last.headers.get("ratelimit-limit")).toBe("3"); // the bucket that refused, not the key's
      expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      const other = await limited.request("/v1/api-keys", { client: "10.9.0.2" });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
