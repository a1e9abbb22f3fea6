import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { compileDefinition, FieldsInput, PhasesInput } from "../../src/pipeline/definition";

const phases = (rules: unknown[] = [{ rule: "required", field: "lines" }]) =>
  [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }, { type: "validation", gates: [{ id: "g", rules }] }];
const lines = (extract: unknown[], more: Record<string, unknown> = {}) =>
  ({ name: "lines", type: "table", columns: [{ name: "description", type: "string" }, { name: "amount", type: "number" }], extract, ...more });

function problems(fields: unknown[], rules?: unknown[]) {
  const parsedFields = v.safeParse(FieldsInput, fields);
  const parsedPhases = v.safeParse(PhasesInput, phases(rules));
  if (!parsedFields.success || !parsedPhases.success) {
    return [...(parsedFields.issues ?? []), ...(parsedPhases.issues ?? [])].map((i) => `${v.getDotPath(i)}: ${i.message}`);
  }
  try {
    compileDefinition({ fields: parsedFields.output, phases: parsedPhases.output });
    return [];
  } catch (error) {
    return ((error as { details?: Array<{ path: string; message: string }> }).details ?? []).map((d) => `${d.path}: ${d.message}`);
  }
}

describe("table field definitions", () => {
  it("accepts the item extractors (llm last) and column rules", () => {
    expect(problems([lines([
      { type: "table", table: { header_contains: ["Amount"] }, columns: { description: "Item", amount: 2 }, skip: "^Subtotal" },
      { type: "rows", start: "^Pos", end: "^Total", line: ["(?P<description>.+)  (?P<amount>[\\d.]+)$"], continuation: "^\\s+(.+)" },
      { type: "json_pointer", pointer: "/lines", columns: { description: "text", amount: "/price/net" } },
      { type: "llm", instructions: "not the subtotal" },
    ])], [{ rule: "min", field: "lines.amount", value: 0 }, { rule: "row_count", field: "lines", min: 1 }])).toEqual([]);
  });

  it("names the path of every mistake", () => {
    expect(problems([lines([
      { type: "table", columns: { price: "Amount" } },
      { type: "rows", line: "(\\d+)" },
      { type: "rows", line: "(?P<qty>\\d+)", continuation: "(?P<note>.+)" },
      { type: "label", labels: ["Total"] },
    ])], [
      { rule: "min", field: "lines.price", value: 0 }, { rule: "min", field: "lines", value: 0 },
      { rule: "row_count", field: "lines.amount" }, { rule: "pattern", field: "lines.description", pattern: "^[A-Z]" },
    ])).toEqual([
      "fields.0.extract.0.columns.price: 'price' is not a column of this table",
      "fields.0.extract.1.line: name the columns with named groups, e.g. (?P<amount>[\\d.,]+)",
      "fields.0.extract.2.line: 'qty' is not a column of this table",
      "fields.0.extract.2.continuation: 'note' is not a column of this table",
      "fields.0.extract.3.type: a table field is extracted by table, rows, json_pointer or llm",
      "phases.3.gates.0.rules.0.field: 'lines.price' is not a column of a table field",
      "phases.3.gates.0.rules.1.field: address a column (lines.<column>) for min",
      "phases.3.gates.0.rules.2.field: row_count applies to a table field",
    ]);
  });

  it("takes placed columns and the page-table options, naming unknown columns and bad boundaries", () => {
    const table = { type: "table", columns: [{ name: "description", header: "Item" }, { name: "amount", x0: 400, x1: 460 }] };
    expect(problems([lines([{ ...table, header_lines: 2, end: "^Total", continuation: true, fill_down: ["description"], section: "description", after: "Items", pages: "0-2" }])])).toEqual([]);
    expect(problems([lines([{ ...table, fill_down: ["county"], section: "region" }])])).toEqual([
      "fields.0.extract.0.fill_down: 'county' is not a column of this table",
      "fields.0.extract.0.section: 'region' is not a column of this table",
    ]);
    expect(problems([lines([{ type: "table", columns: [{ name: "amount", x0: 460, x1: 400 }] }])])).toEqual(["0.extract.0.columns.0: x0 must lie left of x1"]);
    expect(problems([lines([{ ...table, header_lines: 4 }])])[0]).toMatch(/^0\.extract\.0\.header_lines: /);
    expect(problems([{ name: "total", type: "number", extract: [{ type: "table", column: "Total", pages: "0", fill_down: ["x"] }] }], [{ rule: "required", field: "total" }]))
      .toEqual(["fields.0.extract.0.fill_down: fill_down applies to line items (a field of type table)", "fields.0.extract.0.pages: pages applies to line items (a field of type table)"]);
  });

  it("refuses columns on scalar fields, rows on scalar fields, and patterns RE2 cannot run", () => {
    expect(problems([{ name: "total", type: "number", columns: [{ name: "a", type: "string" }], extract: [{ type: "rows", line: "(?P<a>x)" }] }], [{ rule: "required", field: "total" }]))
      .toEqual(["fields.0.columns: only a field of type table has columns", "fields.0.extract.0.type: rows yields line items; use it on a field of type table"]);
    expect(problems([lines([{ type: "rows", line: "(?<=x)(?P<amount>\\d)" }])])[0]).toMatch(/^0\.extract\.0\.line: not a valid RE2 pattern/);
    expect(problems([lines([{ type: "table", columns: {} }])])).toEqual(["0.extract.0.columns: map at least one column"]);
    expect(problems([{ name: "lines", type: "table", extract: [{ type: "table", columns: { a: "A" } }] }])).toEqual(["fields.0.columns: a table field lists its columns: [{ name, type }]"]);
    expect(problems([lines([{ type: "json_pointer", pointer: "/lines" }], { columns: [{ name: "constructor", type: "string" }] })]))
      .toEqual(["0.columns.0.name: is a reserved name (__proto__, constructor and prototype are)"]);
  });
});
