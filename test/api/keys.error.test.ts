import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Database } from "../../src/db/types";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { MAX_BODY_BYTES: "4096" } });
});
afterAll(() => t.close());

const keyCount = async () =>
  (await t.db.selectFrom("api_keys").select("id").where("organization_id", "=", t.organizationId).execute()).length;

describe("bad input gets a clear 4xx and changes nothing", () => {
  it("400s malformed JSON", async () => {
    const before = await keyCount();
    const res = await t.request("/v1/api-keys", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
    expect(await keyCount()).toBe(before);
  });

  it("400s wrong types and unknown fields with each path", async () => {
    const res = await t.request("/v1/api-keys", { method: "POST", json: { name: 42, scopes: ["root"], extra: true } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    const paths = error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "scopes.0", "extra"]));
  });

  it("415s a body that is not JSON", async () => {
    const res = await t.request("/v1/api-keys", { method: "POST", body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type");
  });

  it("413s a body over the limit", async () => {
    const res = await t.request("/v1/api-keys", { method: "POST", json: { name: "x".repeat(10_000), scopes: ["read"] } });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });

  it("400s a path id that is not an id, naming the parameter", async () => {
    const res = await t.request("/v1/api-keys/123");
    expect(res.status).toBe(400);
    expect((await res.json()).error.details).toEqual([{ path: "param.id", message: "must be a UUID" }]);
  });

  it("404s an unknown route with the JSON envelope", async () => {
    const res = await t.request("/v1/no-such-thing");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    const outside = await t.request("/nowhere", { key: null });
    expect(outside.status).toBe(404);
    expect(outside.headers.get("content-type")).toContain("application/json");
  });

  it("500s an unexpected failure with a request id and no SQL or stack", async () => {
    const broken = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createQueryCompiler: () => new PostgresQueryCompiler(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createDriver: () => ({
          init: async () => {},
          acquireConnection: async () => ({
            executeQuery: async () => {
              throw new Error('relation "api_keys_secret" does not exist at select * from api_keys');
            },
            streamQuery: async function* () {},
          }),
          beginTransaction: async () => {},
          commitTransaction: async () => {},
          rollbackTransaction: async () => {},
          releaseConnection: async () => {},
          destroy: async () => {},
        }),
      },
    });
    const app = createApp({ ...t.services, db: broken });
    const res = await app.request("/v1/api-keys", { headers: { "X-API-Key": t.adminKey } });
    expect(res.status).toBe(500);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.error.code).toBe("internal");
    expect(body.error.details.request_id).toBe(res.headers.get("x-request-id"));
    expect(text).not.toMatch(/select|relation|api_keys_secret|at .*\.ts/i);
  });
});

describe("rate limits", () => {
  it("429s past the limit with Retry-After in whole seconds and the envelope", async () => {
    const limited = await startTestApp({ env: { RATE_LIMIT_REQUESTS: "3", RATE_LIMIT_WINDOW_SECONDS: "30" } });
    try {
      const statuses: number[] = [];
      let last!: Response;
      for (let i = 0; i < 4; i++) {
        last = await limited.request("/v1/api-keys");
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const retryAfter = Number(last.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(30);
      expect(last.headers.get("ratelimit-remaining")).toBe("0");
      expect((await last.json()).error.code).toBe("rate_limited");
      // Another key has its own budget.
      const other = await limited.createKey(["admin"]);
      expect((await limited.request("/v1/api-keys", { key: other })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
