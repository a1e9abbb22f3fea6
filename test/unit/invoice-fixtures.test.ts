import { describe, expect, it } from "vitest";
import { invoiceFixtures, layoutText } from "../../scripts/bench/invoice-fixtures";
import { invoicePipeline, runInvoice, scoreInvoice } from "../../scripts/bench/invoice-scoring";
import type { ParsedDocument } from "../../src/pipeline/types";

/**
 * The extraction bench's fixtures on text input (their layout rendering, no PDF involved): the
 * features (when, constant, regions, pages, multilingual dates, formats, negatives) carry the
 * whole definition on every layout, independent of how a PDF becomes text.
 */
describe("invoice fixtures as text", async () => {
  const fixtures = (await invoiceFixtures(2));
  const pipeline = invoicePipeline();

  it.each(fixtures.map((f) => [f.id, f] as const))("%s: every field released and right", async (_, fixture) => {
    const parsed: ParsedDocument = { mime_type: "text/plain", filename: `${fixture.id}.txt`, pages: layoutText(fixture), tables: [], content_hash: fixture.id };
    const scores = scoreInvoice(await runInvoice(pipeline, parsed), fixture.expected);
    expect(scores).toEqual(Object.fromEntries(Object.entries(fixture.expected).map(([field, value]) => [field, { outcome: "correct", value: expect.anything() }])));
    for (const [field, score] of Object.entries(scores)) expect(score.value, field).toEqual(fixture.expected[field as keyof typeof fixture.expected]);
  });

  it("holds, rather than releases, a total that does not add up", async () => {
    const [fixture] = fixtures;
    const pages = layoutText(fixture).map((page) => page.replace(/Total Due(\s+)\$/, "Total Due$1$9"));
    const cells = await runInvoice(pipeline, { mime_type: "text/plain", filename: null, pages, tables: [], content_hash: "x" });
    expect(cells.total.status).toBe("needs_review");
  });
});
