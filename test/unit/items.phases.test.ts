import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { compileDefinition, FieldsInput, initialCells, PhasesInput } from "../../src/pipeline/definition";
import { documentOutcome } from "../../src/pipeline/outcome";
import type { PhaseContext } from "../../src/pipeline/phases/context";
import { runExtraction } from "../../src/pipeline/phases/extraction";
import { runResolution } from "../../src/pipeline/phases/resolution";
import { runValidation } from "../../src/pipeline/phases/validation";
import { splitEquation } from "../../src/pipeline/equation";
import type { Cells, Item, ParsedDocument } from "../../src/pipeline/types";

const fields = [
  { name: "subtotal", type: "number", extract: [{ type: "label", labels: ["Subtotal"] }] },
  { name: "stated_count", type: "integer", extract: [{ type: "label", labels: ["Items"] }] },
  {
    name: "lines", type: "table",
    columns: [{ name: "description", type: "string", required: true }, { name: "qty", type: "integer" }, { name: "amount", type: "number", resolve: { decimal: "." } }],
    extract: [
      { type: "rows", start: "^Lines", end: "^Subtotal", line: "^(?P<description>\\D+?)\\s{2,}(?P<qty>\\d+)\\s{2,}(?P<amount>\\S+)$", continuation: "^\\s{2,}(\\S.*)$" },
    ],
  },
];
const gates = [
  { id: "items", rules: [{ rule: "min", field: "lines.amount", value: 0 }, { rule: "row_count", field: "lines", min: 1, max: 5 }] },
  { id: "sums", rules: [{ rule: "expression", field: "subtotal", expression: "$sum(lines.amount) = subtotal" }] },
  { id: "count", rules: [{ rule: "expression", field: "lines", expression: "$count(lines) = stated_count" }] },
];
const pipeline = compileDefinition({
  fields: v.parse(FieldsInput, fields),
  phases: v.parse(PhasesInput, [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }, { type: "validation", gates }]),
});

const invoice = (subtotal: string, amounts = ["700.10", "-20.00", "499.90"]) => [
  "Items: 3", "Lines", `Bolts  2  ${amounts[0]}`, "  zinc plated", `Discount  1  ${amounts[1]}`, `Nuts  10  ${amounts[2]}`, `Subtotal: ${subtotal}`,
].join("\n");
const parsed = (text: string): ParsedDocument => ({ mime_type: "text/plain", filename: "a.txt", pages: [text], tables: [], content_hash: "h" });
const ctx = (text: string, phaseIndex: number, cells: Cells, decisions: PhaseContext["decisions"] = []): PhaseContext =>
  ({ pipeline, phaseIndex, parsed: parsed(text), cells, uniqueness: {}, decisions });

async function run(text: string, decisions: PhaseContext["decisions"] = []) {
  const extracted = await runExtraction(ctx(text, 1, initialCells(pipeline)));
  const resolved = await runResolution(ctx(text, 2, extracted));
  return runValidation(ctx(text, 3, resolved, decisions));
}
const items = (cells: Cells) => cells.lines.value as Item[];

describe("line items through the phases", () => {
  it("resolves each item cell by its column type and keeps the item's source text", async () => {
    const cells = await run(invoice("1,180.00"));
    expect(cells.lines).toMatchObject({ status: "completed", type: "table", resolved_by: "extraction:rows", meta: { item_count: 3 } });
    expect(items(cells).map((i) => [i.description.value, i.qty.value, i.amount.value])).toEqual([
      ["Bolts zinc plated", 2, 700.1], ["Discount", 1, -20], ["Nuts", 10, 499.9],
    ]);
    expect(items(cells)[1].amount.meta.raw).toBe("-20.00");
    expect(cells.lines.meta.item_texts).toEqual(["Bolts  2  700.10\nzinc plated", "Discount  1  -20.00", "Nuts  10  499.90"]);
  });

  it("parks a failing item cell with its own verdict; the sum check passes within 0.01", async () => {
    const cells = await run(invoice("1,180.00"));
    expect(items(cells)[1].amount).toMatchObject({ status: "needs_review", reason: { code: "gate_failed" } });
    expect(items(cells)[1].amount.meta.verdicts).toEqual([expect.objectContaining({ gate: "items", rule: "min", passed: false })]);
    expect(items(cells)[0].amount.status).toBe("completed");
    expect(cells.subtotal.status).toBe("completed");
    expect(documentOutcome(pipeline, cells)).toBe("partial");
  });

  it("says what the items add up to when they do not match the stated subtotal", async () => {
    const cells = await run(invoice("1,200.00"));
    expect(cells.subtotal).toMatchObject({ status: "needs_review" });
    expect(cells.subtotal.reason!.message).toBe("sums/expression: items sum to 1,180.00; subtotal is 1,200.00");
  });

  it("checks the item count against the stated count and against row_count bounds", async () => {
    const short = (await run(invoice("1,180.00").replace("Items: 3", "Items: 4")));
    expect(short.lines.reason!.message).toBe("count/expression: found 3 items; stated_count is 4");
    const strict = { ...pipeline, phases: pipeline.phases.map((p) => (p.type === "validation" ? { ...p, gates: [{ id: "n", mode: "blocking" as const, rules: [{ rule: "row_count" as const, field: "lines", min: 4 }] }] } : p)) };
    const resolved = await runResolution(ctx("", 2, await runExtraction({ ...ctx(invoice("1"), 1, initialCells(strict)), pipeline: strict })));
    const cells = await runValidation({ ...ctx("", 3, resolved), pipeline: strict });
    expect(cells.lines).toMatchObject({ status: "needs_review", reason: { message: "n/row_count: found 3 items; at least 4 expected" } });
  });

  it("applies a decision to the item cell while the item keeps its index and source text", async () => {
    const text = invoice("1,180.00");
    const decision = { field: "lines", gate: "items", decision: "override" as const, value: 20, item_index: 1, column: "amount", item_text: "Discount  1  -20.00" };
    const kept = await run(text, [decision]);
    expect(items(kept)[1].amount).toMatchObject({ status: "completed", value: 20, resolved_by: "review" });
    const moved = await run(text.replace("Discount  1  -20.00", "Rebate  1  -20.00"), [decision]);
    expect(items(moved)[1].amount.status).toBe("needs_review");
    const otherIndex = await run(text, [{ ...decision, item_index: 2 }]);
    expect(items(otherIndex)[1].amount.status).toBe("needs_review");
  });

  it("finds every item of a 2,000-line document", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `Part ${"abcdefghij"[i % 10]}  ${i}  ${(i % 7) + 1}.25`);
    const big = { ...pipeline, phases: pipeline.phases.slice(0, 3) };
    const text = ["Lines", ...lines, "Subtotal: 1"].join("\n");
    const cells = await runResolution({ ...ctx(text, 2, await runExtraction({ ...ctx(text, 1, initialCells(big)), pipeline: big })), pipeline: big });
    expect(items(cells)).toHaveLength(2000);
    expect(items(cells)[1999].amount.value).toBe(((1999 % 7) + 1) + 0.25);
    expect(items(cells).map((i) => i.qty.value)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});

describe("equations", () => {
  it("splits at a top-level = only", () => {
    expect(splitEquation("$sum(lines.amount) = subtotal")).toEqual(["$sum(lines.amount)", "subtotal"]);
    expect(splitEquation("a != b")).toBeNull();
    expect(splitEquation("a <= b")).toBeNull();
    expect(splitEquation("$count(x[y = 1]) > 2")).toBeNull();
    expect(splitEquation("a = \"=\"")).toEqual(["a", "\"=\""]);
  });
});

describe("a value derived from line items", () => {
  const derived = compileDefinition({
    fields: v.parse(FieldsInput, [fields[2], { name: "items_total", type: "number", expression: "$sum(lines.amount)" }]),
    phases: v.parse(PhasesInput, [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" },
      { type: "validation", gates: [{ id: "items", rules: [{ rule: "min", field: "lines.amount", value: 0 }] }] }]),
  });
  const runDerived = async (decisions: PhaseContext["decisions"] = []) => {
    const text = invoice("1,180.00");
    const at = (phaseIndex: number, cells: Cells, d: PhaseContext["decisions"] = []): PhaseContext =>
      ({ pipeline: derived, phaseIndex, parsed: parsed(text), cells, uniqueness: {}, decisions: d });
    const extracted = await runExtraction(at(1, initialCells(derived)));
    return runValidation(at(3, await runResolution(at(2, extracted)), decisions));
  };

  it("is held while an item cell it reads is parked, and released with the reviewer's decision", async () => {
    const parked = await runDerived();
    expect(items(parked)[1].amount.status).toBe("needs_review");
    expect(parked.items_total).toMatchObject({ value: null, status: "needs_review", reason: { code: "input_held" } });
    const text = (parked.lines.meta.item_texts as string[])[1];
    const approved = await runDerived([{ field: "lines", gate: "items", decision: "approve", item_index: 1, column: "amount", item_text: text }]);
    expect(items(approved)[1].amount.status).toBe("completed");
    expect(approved.items_total).toMatchObject({ value: 1180, status: "completed" });
  });
});
