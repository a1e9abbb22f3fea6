import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { compileDefinition, FieldsInput, initialCells, PhasesInput, type CompiledPipeline } from "../../src/pipeline/definition";
import type { PhaseContext } from "../../src/pipeline/phases/context";
import { runExtraction } from "../../src/pipeline/phases/extraction";
import { runResolution } from "../../src/pipeline/phases/resolution";
import { runValidation } from "../../src/pipeline/phases/validation";
import type { Cells, ParsedDocument } from "../../src/pipeline/types";

const compile = (fields: unknown[], phases: unknown[]) => compileDefinition({ fields: v.parse(FieldsInput, fields), phases: v.parse(PhasesInput, phases) });
const parsed = (text: string): ParsedDocument => ({ mime_type: "text/plain", filename: "a.txt", pages: [text], tables: [], content_hash: "h" });
const ctx = (pipeline: CompiledPipeline, phaseIndex: number, cells: Cells, more: Partial<PhaseContext> = {}): PhaseContext =>
  ({ pipeline, phaseIndex, parsed: parsed(TEXT), cells, uniqueness: {}, decisions: [], ...more });

const TEXT = "Invoice No: INV-9\nSubtotal: 1.000,00 EUR\nTax: 190,00\nTotal: 1.190,00\nTotal: 1.200,00\nStatus: Settled\n";

const pipeline = compile(
  [
    { name: "number", type: "string", extract: [{ type: "regex", pattern: "PO-(\\d+)" }, { type: "label", labels: ["Invoice No"] }] },
    { name: "subtotal", type: "currency", extract: [{ type: "label", labels: ["Subtotal"] }] },
    { name: "tax", type: "number", extract: [{ type: "label", labels: ["Tax"] }], resolve: { decimal: "," } },
    { name: "total", type: "number", required: true, extract: [{ type: "label", labels: ["Total"] }] },
    { name: "status", type: "enum", extract: [{ type: "label", labels: ["Status"] }], resolve: { values: ["paid", "open"], synonyms: { settled: "paid" } } },
    { name: "po", type: "string", extract: [{ type: "regex", pattern: "PO-(\\d+)" }] },
    { name: "gross", type: "number", expression: "subtotal.amount + tax" },
  ],
  [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [
      { id: "sums", rules: [{ rule: "expression", field: "total", expression: "$abs(gross - total) <= 0.01", message: "total is not subtotal + tax" }] },
      { id: "shape", mode: "warning", rules: [{ rule: "pattern", field: "number", pattern: "^PO" }, { rule: "required", field: "po" }] },
    ] },
  ],
);

async function throughResolution(decisions: PhaseContext["decisions"] = []) {
  const extracted = await runExtraction(ctx(pipeline, 1, initialCells(pipeline)));
  const resolved = await runResolution(ctx(pipeline, 2, extracted));
  return { extracted, resolved, validated: await runValidation(ctx(pipeline, 3, resolved, { decisions })) };
}

describe("extraction and resolution", () => {
  it("falls through the waterfall, keeps every candidate, and normalises by type", async () => {
    const { extracted, resolved } = await throughResolution();
    expect(extracted.number).toMatchObject({ value: "INV-9", status: "completed", resolved_by: "extraction:label" });
    expect(extracted.total.meta.candidates?.map((c) => c.value)).toEqual(["1.190,00", "1.200,00"]);
    expect(extracted.po).toMatchObject({ status: "no_result", value: null, resolved_by: null, reason: { code: "not_found" } });
    expect(resolved.subtotal.value).toEqual({ amount: 1000, currency: "EUR" });
    expect(resolved.tax.value).toBe(190);
    expect(resolved.total).toMatchObject({ value: 1190, meta: { raw: "1.190,00", confidence: 0.9 } });
    expect(resolved.status.value).toBe("paid");
    expect(resolved.gross).toMatchObject({ value: 1190, status: "completed", resolved_by: "derived" });
  });

  it("applies the candidate policy: agree fails on disagreement, highest_confidence picks the surest", async () => {
    const cells = (await runExtraction(ctx(pipeline, 1, initialCells(pipeline))));
    const agree = { ...pipeline, fields: pipeline.fields.map((f) => (f.name === "total" ? { ...f, resolve: { policy: "agree" as const } } : f)) };
    expect((await runResolution(ctx(agree, 2, cells))).total).toMatchObject({ status: "failed", reason: { code: "candidates_disagree" } });
    cells.total.meta.candidates![1].confidence = 0.99;
    const surest = { ...pipeline, fields: pipeline.fields.map((f) => (f.name === "total" ? { ...f, resolve: { policy: "highest_confidence" as const } } : f)) };
    expect((await runResolution(ctx(surest, 2, cells))).total.value).toBe(1200);
  });

  it("leaves cells held or decided by review untouched", async () => {
    const cells = initialCells(pipeline);
    cells.total = { ...cells.total, value: 5, status: "needs_review", reason: { code: "gate_failed", summary: "s", message: "m" } };
    cells.tax = { ...cells.tax, value: 7, status: "completed", resolved_by: "review" };
    const extracted = await runExtraction(ctx(pipeline, 1, cells));
    const resolved = await runResolution(ctx(pipeline, 2, extracted));
    expect(resolved.total).toEqual(cells.total);
    expect(resolved.tax).toEqual(cells.tax);
  });
});

describe("validation", () => {
  it("stores a verdict per rule, parks a blocking failure and only flags a warning", async () => {
    const { resolved } = await throughResolution();
    resolved.total = { ...resolved.total, value: 1500 };
    const validated = await runValidation(ctx(pipeline, 3, resolved));
    expect(validated.total).toMatchObject({ status: "needs_review", resolved_by: null, reason: { code: "gate_failed" } });
    expect(validated.total.meta.verdicts).toEqual([{ gate: "sums", rule: "expression", mode: "blocking", passed: false, phase_index: 3, message: "total is not subtotal + tax" }]);
    expect(validated.number).toMatchObject({ status: "completed", meta: { verdicts: [expect.objectContaining({ gate: "shape", passed: false, mode: "warning" })] } });
    expect(validated.po.status).toBe("no_result");
    expect(validated.po.meta.verdicts).toEqual([expect.objectContaining({ rule: "required", passed: false })]);
  });

  it("re-applies reviewer decisions instead of parking again, and replaces its own earlier verdicts", async () => {
    const { resolved } = await throughResolution();
    resolved.total = { ...resolved.total, value: 1500 };
    const decisions = [{ field: "total", gate: "sums", decision: "override" as const, value: 1100 }];
    const once = await runValidation(ctx(pipeline, 3, resolved, { decisions }));
    expect(once.total).toMatchObject({ value: 1100, status: "completed", resolved_by: "review", reason: null });
    const twice = await runValidation(ctx(pipeline, 3, once, { decisions }));
    expect(twice.total.meta.verdicts).toHaveLength(1);
    const rejected = await runValidation(ctx(pipeline, 3, resolved, { decisions: [{ ...decisions[0], decision: "reject" }] }));
    expect(rejected.total).toMatchObject({ value: null, status: "failed", reason: { code: "rejected_by_review" } });
    const approvedButPassing = await runValidation(ctx(pipeline, 3, (await throughResolution()).resolved, { decisions: [{ ...decisions[0], decision: "approve" }] }));
    expect(approvedButPassing.total).toMatchObject({ value: 1190, resolved_by: "extraction:label" });
  });

  it("checks uniqueness, bounds, dates and confidence", async () => {
    const p = compile(
      [{ name: "n", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] }, { name: "t", type: "number", extract: [{ type: "label", labels: ["Total"] }] }],
      [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }, { type: "validation", gates: [{ id: "g", rules: [
        { rule: "unique", field: "n" }, { rule: "min", field: "t", value: 2000 }, { rule: "min_confidence", field: "t", value: 0.95 }, { rule: "enum", field: "n", values: ["INV-9"] },
      ] }] }],
    );
    const resolved = await runResolution(ctx(p, 2, await runExtraction(ctx(p, 1, initialCells(p)))));
    const validated = await runValidation(ctx(p, 3, resolved, { uniqueness: { n: 2 } }));
    const outcome = (field: string) => validated[field].meta.verdicts!.map((x) => [x.rule, x.passed]);
    expect(outcome("n")).toEqual([["unique", false], ["enum", true]]);
    expect(outcome("t")).toEqual([["min", false], ["min_confidence", false]]);
    expect(validated.n.reason?.message).toContain("2 other document(s)");
  });
});
