import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../src/logger";
import { startTestApp, type TestApp } from "../support/harness";
import { createProduct, finishedRunWithParkedCell } from "../support/products";

type Line = { level: string; msg: string; fields: Record<string, unknown> };
const lines: Line[] = [];
const capture: Logger = {
  info: (msg, fields = {}) => void lines.push({ level: "info", msg, fields }),
  warn: (msg, fields = {}) => void lines.push({ level: "warn", msg, fields }),
  error: (msg, fields = {}) => void lines.push({ level: "error", msg, fields }),
};
const accessLines = () => lines.filter((l) => l.msg === "request").map((l) => l.fields);

let t: TestApp;
let adminKeyId: string;
beforeAll(async () => {
  t = await startTestApp({ logger: capture, env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
  const keys = await (await t.request("/v1/api-keys")).json();
  adminKeyId = keys.items[0].id;
});
afterAll(() => t.close());
beforeEach(() => void lines.splice(0));

async function errorOf(res: Response) {
  const body = await res.json();
  return { header: res.headers.get("x-request-id"), body: body.error as { code: string; request_id?: string } };
}

describe("request ids", () => {
  it("puts the X-Request-Id of the response into every kind of error body", async () => {
    const unknownRun = `/v1/pipelines/${crypto.randomUUID()}`;
    const failures = [
      await t.request(unknownRun), // 404 from a handler
      await t.request(unknownRun, { key: null }), // 401 from the auth middleware
      await t.request("/v1/pipelines", { method: "POST", json: { documents: "none" } }), // 400 from validation
      await t.request("/v1/no-such-route"), // 404 with no route at all
      await t.request(`/share/shr_${"x".repeat(43)}.csv`, { key: null }), // the public share route
    ];
    const codes = [];
    for (const res of failures) {
      const { header, body } = await errorOf(res);
      expect(header).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.request_id).toBe(header);
      codes.push(body.code);
    }
    expect(codes).toEqual(["not_found", "unauthorized", "bad_request", "not_found", "not_found"]);
  });

  it("keeps a well-formed incoming X-Request-Id and replaces anything else", async () => {
    const kept = await t.request("/v1/no-such-route", { headers: { "X-Request-Id": "cf-8f1e2d3c4b5a6978-AMS" } });
    expect(kept.headers.get("x-request-id")).toBe("cf-8f1e2d3c4b5a6978-AMS");
    expect((await errorOf(kept)).body.request_id).toBe("cf-8f1e2d3c4b5a6978-AMS");
    for (const hostile of ["short", "has space in it", "x".repeat(200), "quote\"d-request-id", "-leading-dash-id"]) {
      const res = await t.request("/healthz", { headers: { "X-Request-Id": hostile } });
      expect(res.headers.get("x-request-id"), hostile).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
    }
  });
});

describe("the access log", () => {
  it("writes one line per authenticated request: id, method, route pattern, status, duration, key id, and no secret", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 1);
    lines.splice(0);
    const res = await t.request(`/v1/pipelines/${run.id}`, { headers: { "X-Request-Id": "trace-0001-abcd" } });
    expect(res.status).toBe(200);
    expect(accessLines()).toEqual([{
      request_id: "trace-0001-abcd", method: "GET", route: "/v1/pipelines/:id", status: 200, duration_ms: expect.any(Number), key_id: adminKeyId,
    }]);
    expect(lines[0].level).toBe("info");
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(t.adminKey);
    expect(logged).not.toContain(run.id);
  });

  it("logs a refused key by route pattern, without the key and without a key id", async () => {
    const wrongKey = `slk_${"A".repeat(40)}`;
    const res = await t.request(`/v1/pipelines/${crypto.randomUUID()}/records`, { key: wrongKey });
    expect(res.status).toBe(401);
    const [line] = accessLines();
    expect(line).toMatchObject({ method: "GET", route: "/v1/pipelines/:id/records", status: 401, request_id: res.headers.get("x-request-id") });
    expect(line).not.toHaveProperty("key_id");
    expect(JSON.stringify(lines)).not.toContain(wrongKey);
  });

  it("logs share links by route pattern only: the token never appears", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 1);
    const { token } = (await createProduct(t, run.id)).body.shareToken as { token: string };
    lines.splice(0);
    const csv = await t.request(`/share/${token}.csv`, { key: null });
    expect(csv.status).toBe(200);
    const page = await t.request(`/share/${token}`, { key: null, headers: { Accept: "text/html" } });
    expect(page.status).toBe(200);
    const gone = await t.request(`/share/${token.slice(0, -2)}zz`, { key: null });
    expect(gone.status).toBe(404);
    expect(accessLines().map((l) => [l.method, l.route, l.status, l.key_id])).toEqual([
      ["GET", "/share/:token", 200, undefined], ["GET", "/share/:token", 200, undefined], ["GET", "/share/:token", 404, undefined],
    ]);
    expect(accessLines().map((l) => l.request_id)).toEqual([csv, page, gone].map((r) => r.headers.get("x-request-id")));
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.slice(4, 20));
  });

  it("logs a request no route matched with no route and its 404", async () => {
    await t.request("/nowhere/at/all", { key: null });
    expect(accessLines()).toEqual([expect.objectContaining({ method: "GET", route: null, status: 404 })]);
  });
});
