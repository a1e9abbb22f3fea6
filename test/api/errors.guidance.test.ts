import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition } from "../support/pipelines";

/** Errors that say what to do: every problem in one answer, in our words, with the way to fix it. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Detail = { path: string; message: string };
const errorOf = async (res: Response) => (await res.json()).error as { code: string; message: string; details?: Detail[]; docs?: string; request_id: string };
const messageAt = (details: Detail[] | undefined, path: string) => details?.find((d) => d.path === path)?.message;

describe("a refused pipeline body", () => {
  it("lists schema and cross-field problems together, in our words, with did-you-mean and a docs link", async () => {
    const res = await t.request("/v1/pipelines", {
      method: "POST",
      json: {
        fields: [{ name: "total", type: "number", requried: true, extract: [{ type: "label", lables: ["Total"] }] }],
        phases: [{ type: "extraction" }, { type: "resolutoin" }],
        documents: [{ id: "a", text: "Total: 1" }, { id: "a", file_url: "http://localhost:9/x.pdf" }],
      },
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(messageAt(error.details, "fields.0.extract.0.lables")).toBe('unknown field "lables"; did you mean "labels"?');
    expect(messageAt(error.details, "fields.0.requried")).toBe('unknown field "requried"; did you mean "required"?');
    expect(messageAt(error.details, "phases.1.type")).toMatch(/^must be one of "transfer", .*; got "resolutoin"; did you mean "resolution"\?$/);
    // Found by the checks that run after the schema: in the same answer, not the next round.
    expect(messageAt(error.details, "phases.0.type")).toBe("the first phase must be transfer");
    expect(messageAt(error.details, "documents.1.id")).toBe("duplicates documents.0.id");
    expect(messageAt(error.details, "documents.1.file_url")).toContain("add localhost to the FETCH_ALLOW_HOSTS setting");
    // The renamed key's "is required" would only repeat the suggestion.
    expect(messageAt(error.details, "fields.0.extract.0.labels")).toBeUndefined();
    for (const detail of error.details!) expect(detail.message).not.toMatch(/Invalid \w+: Expected|received undefined|Expected never/);
    expect(error.docs).toBe("http://sluice.test/docs#post-v1-pipelines");
    expect((await t.request("/docs")).status).toBe(200);
    expect(await (await t.request("/docs")).text()).toContain('id="post-v1-pipelines"');
  });

  it("words wrong types and missing keys without the validator's vocabulary", async () => {
    const res = await t.request("/v1/pipelines", { method: "POST", json: { ...invoiceDefinition, documents: [{ text: 42 }], name: ["x"] } });
    const error = await errorOf(res);
    expect(messageAt(error.details, "documents.0.text")).toBe("must be a string; got 42");
    expect(messageAt(error.details, "name")).toBe("must be a string; got Array");
    const missing = await errorOf(await t.request("/v1/pipelines", { method: "POST", json: { fields: invoiceDefinition.fields } }));
    expect(messageAt(missing.details, "documents")).toBe("is required");
  });

  it("has one wording for malformed JSON, wherever it is sent", async () => {
    for (const path of ["/v1/pipelines", "/v1/data-products", "/v1/api-keys"]) {
      const res = await t.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name": ' });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect([error.message, error.details]).toEqual(["malformed JSON body", [{ path: "$", message: "is not valid JSON" }]]);
    }
  });
});

describe("how a request is sent", () => {
  it("recognises a bare slk_ key in Authorization and says to use Bearer", async () => {
    const res = await t.request("/v1/pipelines", { key: null, headers: { Authorization: t.adminKey } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/needs the Bearer scheme: send `Authorization: Bearer slk_…`/);
    const bearer = await t.request("/v1/pipelines", { key: null, headers: { Authorization: `Bearer ${t.adminKey}` } });
    expect(bearer.status).toBe(200);
    const basic = await t.request("/v1/pipelines", { key: null, headers: { Authorization: "Basic c2VjcmV0OnNlY3JldA==" } });
    const said = (await errorOf(basic)).message;
    expect(said).toMatch(/must be `Bearer slk_…`/);
    expect(said).not.toContain("c2VjcmV0");
  });

  it("answers a wrong method with 405 and Allow, and an unknown path with 404", async () => {
    const wrong = await t.request("/v1/pipelines", { method: "DELETE" });
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "GET, HEAD, POST"]);
    expect((await errorOf(wrong)).code).toBe("method_not_allowed");
    const one = await t.request(`/v1/pipelines/${crypto.randomUUID()}`, { method: "PUT" });
    expect(one.status).toBe(405);
    expect(one.headers.get("allow")).toContain("GET");
    const health = await t.request("/healthz", { method: "POST" });
    expect([health.status, health.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await t.request("/v1/no-such-thing", { method: "PUT" })).status).toBe(404);
  });
});
