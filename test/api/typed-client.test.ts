import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullFlow, sluiceClient } from "../../examples/typed-client";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("the typed client example", () => {
  it("runs its whole flow against the API: run, records, data product, review decision, share token, CSV", async () => {
    // Every request goes through the harness, so each answer is also checked against /openapi.json.
    const client = sluiceClient("http://sluice.test", t.adminKey, async (request) => {
      const body = request.method === "GET" ? undefined : await request.text();
      const url = new URL(request.url);
      return t.request(url.pathname + url.search, { method: request.method, headers: request.headers, body });
    });
    const outcome = await fullFlow(client, () => settle(t));
    expect(outcome.status).toBe("completed");
    expect(outcome.recordCount).toBe(1);
    expect(outcome.reviewedField).toBe("total");
    expect(outcome.decision).toBe("approve");
    expect(outcome.rows).toBe(1);
    expect(outcome.shareUrl).toMatch(/^http:\/\/sluice\.test\/share\/[\w-]{22,}$/);
    expect(outcome.shareCsvUrl).toMatch(/^http:\/\/sluice\.test\/share\/[\w-]{22,}\.csv$/);
    expect(outcome.csv.split("\r\n")[1]).toContain("INV-7");
    expect(outcome.csv.split("\r\n")[1]).toContain("25000");
  });
});
