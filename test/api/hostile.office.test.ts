import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ParseBox } from "../../src/documents/parse/box";
import { startTestApp, type TestApp } from "../support/harness";
import { longSheetXlsx, zipBombDocx } from "../support/office-fixtures";
import { createPipeline, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => (t = await startTestApp()));
afterAll(() => t.close());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** Far above a probe's own time here (tens of ms under load), far below what a parse holding the event loop takes (seconds). */
const PROBE_BOUND_MS = 1000;
/** Probes that must land while a parse is in flight: a parse on the event loop would let none through until it ends. */
const PROBES_DURING_PARSE = 20;

interface Probe {
  /** From when the probe was due to its answer. */
  ms: number;
  status: number;
  /** Sent before the upload was answered (the in-process PGlite stores the upload on this event loop). */
  duringUpload: boolean;
  /** A parse was in flight when the probe was sent or when it was answered. */
  duringParse: boolean;
}

/** /healthz asked over and over, each request ~5 ms after the last answer (as from a socket), until `stop`. */
function probeHealth(state: { uploading: boolean; parsing: () => boolean }) {
  const probes: Probe[] = [];
  let stopped = false;
  const done = (async () => {
    // Timed from when the probe was due, not when it was sent: a blocked event loop also holds back the sending.
    let due = performance.now();
    while (!stopped) {
      const [duringUpload, before] = [state.uploading, state.parsing()];
      const { status } = await t.request("/healthz", { key: null });
      probes.push({ ms: performance.now() - due, status, duringUpload, duringParse: before || state.parsing() });
      // Probes arrive over time, as from a socket; back-to-back in-process calls would never let a timer run.
      due = performance.now() + 5;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return { probes, stop: () => ((stopped = true), done) };
}

describe("hostile Office files in flight", () => {
  it("are taken (a multi-MB base64 body is no 500) and end in error naming the cause; /healthz answers all along, during the parses too", async () => {
    // The engine parses through `services.parse` (a view, so the swap holds): count the parses in flight and time them.
    const box: ParseBox = t.services.parse;
    let inFlight = 0;
    const parseMs: number[] = [];
    t.services.parse = async (bytes, options) => {
      inFlight++;
      const started = performance.now();
      try {
        return await box(bytes, options);
      } finally {
        inFlight--;
        parseMs.push(performance.now() - started);
      }
    };
    // Written before probing starts: building a million-row sheet is the test's own work on this event loop.
    const documents = [
      { id: "bomb", content_base64: b64(zipBombDocx()), filename: "invoice.docx" },
      // Every row Excel allows: its sheet part inflates past the entry limit before SheetJS sees it.
      { id: "all-rows", content_base64: b64(longSheetXlsx(1_048_576)) },
      // Past the row limit but within the entry limit: SheetJS reads 100,001 rows (seconds of work), the row bound ends it.
      { id: "long", content_base64: b64(longSheetXlsx(100_001)) },
    ];
    // Probing starts before the upload is sent and ends when every document is in its final state.
    const state = { uploading: true, parsing: () => inFlight > 0 };
    const health = probeHealth(state);
    let created: Awaited<ReturnType<typeof createPipeline>>;
    try {
      created = await createPipeline(t, {
        fields: [{ name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] }],
        phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
        documents,
      });
      state.uploading = false;
      await settle(t);
    } finally {
      await health.stop();
      t.services.parse = box;
    }
    const { res, body } = created;
    expect(res.status, JSON.stringify(body)).toBe(202);
    const records = await (await t.request(`/v1/pipelines/${body.id}/records`)).json();
    const codes = Object.fromEntries((records.errors as Array<{ record_id: string; code: string }>).map((e) => [e.record_id, e.code]));
    expect(codes).toEqual({ bomb: "archive_too_large", "all-rows": "archive_too_large", long: "sheet_too_large" });
    expect(Object.values<{ status: string }>(records.records).map((r) => r.status)).toEqual(["error", "error", "error"]);

    const { probes } = health;
    const slowest = (some: Probe[]) => `${Math.max(0, ...some.map((p) => p.ms)).toFixed(0)} ms`;
    const [upload, after] = [probes.filter((p) => p.duringUpload), probes.filter((p) => !p.duringUpload)];
    const [parsing, later] = [after.filter((p) => p.duringParse), after.filter((p) => !p.duringParse)];
    // Figures, not bounds: the upload's probes (and those after the parses) wait while PGlite (WASM, on this
    // event loop) stores or reads the ~10 MB; that is the embedded database, not the parse this test is about.
    console.info(`healthz: ${upload.length} probes during the upload (slowest ${slowest(upload)}), ${parsing.length} after it during the parses `
      + `(slowest ${slowest(parsing)}; parses took ${parseMs.map((ms) => ms.toFixed(0)).join(", ")} ms), ${later.length} after them (slowest ${slowest(later)})`);
    expect(parseMs).toHaveLength(3);
    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    expect(parsing.length).toBeGreaterThanOrEqual(PROBES_DURING_PARSE);
    expect(parsing.filter((p) => p.ms > PROBE_BOUND_MS)).toEqual([]);
  }, 120_000);
});
