import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { longSheetXlsx, zipBombDocx } from "../support/office-fixtures";
import { createPipeline, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("hostile Office files in flight", () => {
  it("are taken (a multi-MB base64 body is no 500) and end in error naming the cause; /healthz probed while they settle", async () => {
    const { res, body } = await createPipeline(t, {
      fields: [{ name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] }],
      phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
      documents: [
        { id: "bomb", content_base64: b64(zipBombDocx()), filename: "invoice.docx" },
        // Every row Excel allows: its sheet part inflates past the entry limit before SheetJS sees it.
        { id: "all-rows", content_base64: b64(longSheetXlsx(1_048_576)) },
        // Past the row limit but within the entry limit: SheetJS reads it, the row bound ends it.
        { id: "long", content_base64: b64(longSheetXlsx(100_001)) },
      ],
    });
    expect(res.status, JSON.stringify(body)).toBe(202);
    let done = false;
    const parsing = settle(t).finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const started = performance.now();
      expect((await t.request("/healthz", { key: null })).status).toBe(200);
      latencies.push(performance.now() - started);
      // Probes arrive over time, as from a socket; back-to-back in-process calls would never let a timer run.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await parsing;
    // A figure, not a target. Open (issue 22, Bad input): in this harness the probes overlap little of the
    // parsing (1 probe seen), so answering *during* a hostile parse is not shown yet; the outcome is pinned.
    console.info(`healthz while hostile Office files were parsed: ${latencies.length} probes, max ${Math.max(...latencies).toFixed(0)} ms`);

    const records = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
    const codes = Object.fromEntries((records.errors as Array<{ record_id: string; code: string }>).map((e) => [e.record_id, e.code]));
    expect(codes).toEqual({ bomb: "archive_too_large", "all-rows": "archive_too_large", long: "sheet_too_large" });
    expect(Object.values<{ status: string }>(records.records).map((r) => r.status)).toEqual(["error", "error", "error"]);
  }, 120_000);
});
