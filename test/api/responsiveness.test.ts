import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceDocuments, settle } from "../support/pipelines";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/**
 * Reads while the engine works: probes go out every few milliseconds from the moment the run is
 * created. Counted, not timed: a read that waits behind the engine answers only once the run is
 * done, so it never sees the run still running; each one that does proves the API answered mid-run.
 */
describe("reads while a run is processed", () => {
  it("answers /healthz and the run's own status before the run finishes", async () => {
    const documents = 40;
    const { res, body } = await createPipeline(t, { name: "busy", documents: invoiceDocuments(documents) });
    expect(res.status).toBe(202);
    // From one answer to the next: a probe's wait for its timer counts, as a client's wait would.
    const gaps: number[] = [];
    let answeredMidRun = 0;
    for (let running = true, last = performance.now(); running;) {
      expect((await t.request("/healthz", { key: null })).status).toBe(200);
      gaps.push(performance.now() - last);
      last = performance.now();
      const run = await (await t.request(`/v1/pipelines/${body.id}`)).json();
      running = run.status === "running";
      if (running) answeredMidRun++;
      // Probes arrive over time, as from a socket: a timer must get its turn between the engine's work.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await settle(t);
    console.info(`reads during a ${documents}-document run: ${answeredMidRun} answered mid-run, longest gap ${Math.max(...gaps).toFixed(0)} ms`);
    // Waiting behind the engine, about one read in 15 documents got in (8 in a 120-document run); now several per document.
    expect(answeredMidRun).toBeGreaterThanOrEqual(documents / 4);
  }, 120_000);
});
