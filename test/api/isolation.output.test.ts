import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { watchService } from "../support/hostile";

/**
 * Amplifying expressions: a request of a few hundred bytes whose fields pad to megabytes. A value
 * past 1 MiB fails its cell, and values that together pass 10 MiB fail the cell that would cross
 * it (`value_too_large`), so a document never stores more than the limits.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const pad = (name: string, chars: number, char = "x") => ({ name, type: "string", expression: `$pad("", ${chars}, "${char}")` });

async function runFields(fields: unknown[]) {
  const res = await t.request("/v1/pipelines", {
    method: "POST",
    json: { fields, phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }], documents: [{ text: "a document" }] },
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(202);
  const { id } = body;
  await t.embeddedQueue!.idle();
  const records = await (await t.request(`/v1/pipelines/${id}/records`)).json();
  return Object.values<any>(records.records)[0].fields as Record<string, { value: unknown; status: string; reason?: { code: string } }>;
}

describe("bounded output", () => {
  it("fails a cell whose value would pass 1 MiB as stored (two-byte characters), keeps the rest", async () => {
    const stop = watchService(t);
    const fields = await runFields([pad("small", 10), pad("wide", 999_000, "é")]);
    expect(fields.small.value).toBe("x".repeat(10));
    expect(fields.wide).toMatchObject({ value: null, status: "failed", reason: { code: "value_too_large" } });
    const watched = await stop();
    expect(watched.failures).toBe(0);
    expect(watched.rssGrowthMb).toBeLessThan(200);
  });

  it("fails the cell that would take the document's cells past 10 MiB", async () => {
    const fields = await runFields(Array.from({ length: 12 }, (_, i) => pad(`f${i}`, 950_000)));
    const failed = Object.entries(fields).filter(([, cell]) => cell.reason?.code === "value_too_large").map(([name]) => name);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    const stored = Object.values(fields).reduce((sum, cell) => sum + JSON.stringify(cell.value).length, 0);
    expect(stored).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(fields.f0.value).toHaveLength(950_000);
  });
});
