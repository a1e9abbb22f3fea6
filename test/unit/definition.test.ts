import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors";
import { compileDefinition, FieldsInput, initialCells, phaseIndexOf, PhasesInput } from "../../src/pipeline/definition";

const base = () => ({
  fields: [
    { name: "subtotal", type: "number", extract: [{ type: "label", labels: ["Subtotal"] }] },
    { name: "tax", type: "number", extract: [{ type: "regex", pattern: "Tax: (\\S+)" }] },
    { name: "total", type: "number", required: true, expression: "subtotal + tax" },
  ] as any[],
  phases: [
    { type: "transfer" }, { type: "extraction" }, { type: "resolution" },
    { type: "validation", gates: [{ id: "sums", rules: [{ rule: "expression", field: "total", expression: "$abs(subtotal + tax - total) <= 0.01" }] }] },
  ] as any[],
});

/** Parses like the route does, then compiles; returns the paths of every problem. */
function problems(definition: ReturnType<typeof base>): string[] {
  const fields = v.safeParse(FieldsInput, definition.fields);
  const phases = v.safeParse(PhasesInput, definition.phases);
  const schemaPaths = [
    ...(fields.issues ?? []).map((i) => ["fields", ...(i.path ?? []).map((p) => p.key)].join(".")),
    ...(phases.issues ?? []).map((i) => ["phases", ...(i.path ?? []).map((p) => p.key)].join(".")),
  ];
  if (!fields.success || !phases.success) return schemaPaths;
  try {
    compileDefinition({ fields: fields.output, phases: phases.output });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return ((error as ApiError).details as Array<{ path: string }>).map((d) => d.path);
  }
}

describe("compiling a definition", () => {
  it("pins fields with defaults and indexed phases", () => {
    const d = base();
    const compiled = compileDefinition({ fields: v.parse(FieldsInput, d.fields), phases: v.parse(PhasesInput, d.phases) });
    expect(compiled.fields[0]).toEqual({ name: "subtotal", type: "number", required: false, description: null, extract: d.fields[0].extract, resolve: {}, expression: null });
    expect(compiled.phases.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    expect(compiled.phases[3]).toMatchObject({ gates: [{ id: "sums", mode: "blocking" }] });
    expect(phaseIndexOf(compiled, "validation")).toBe(3);
    expect(initialCells(compiled).total).toEqual({ value: null, status: "pending", type: "number", reason: null, claimed_by: "resolution:expression", resolved_by: null, meta: {} });
    expect(initialCells(compiled).subtotal.claimed_by).toBe("extraction:label");
  });

  it.each<[string, (d: ReturnType<typeof base>) => void, string]>([
    ["unknown extractor", (d) => { d.fields[0].extract[0].type = "psychic"; }, "fields.0.extract.0.type"],
    ["invalid regex", (d) => { d.fields[1].extract[0].pattern = "(["; }, "fields.1.extract.0.pattern"],
    ["missing regex group", (d) => { d.fields[1].extract[0].group = 3; }, "fields.1.extract.0.group"],
    ["regex RE2 cannot take (lookbehind)", (d) => { d.fields[1].extract[0].pattern = "(?<=no )(\\d+)"; }, "fields.1.extract.0.pattern"],
    ["regex RE2 cannot take (backreference)", (d) => { d.fields[1].extract[0].pattern = "(a)\\1"; }, "fields.1.extract.0.pattern"],
    ["missing named group", (d) => { d.fields[1].extract[0] = { type: "regex", pattern: "(?<n>\\d+)", group: "m" }; }, "fields.1.extract.0.group"],
    ["pattern rule RE2 cannot take", (d) => { d.phases[3].gates[0].rules.push({ rule: "pattern", field: "total", pattern: "(\\d)\\1" }); }, "phases.3.gates.0.rules.1.pattern"],
    ["regex literal RE2 cannot take in an expression", (d) => { d.fields[2].expression = "$contains($string(subtotal), /(?<!x)1/) ? 1 : 0"; }, "fields.2.expression"],
    ["$eval in an expression", (d) => { d.fields[2].expression = "$eval('subtotal')"; }, "fields.2.expression"],
    ["duplicate field", (d) => { d.fields[1].name = "subtotal"; }, "fields.1.name"],
    ["bad field name", (d) => { d.fields[1].name = "tax rate"; }, "fields.1.name"],
    ["extract and expression together", (d) => { d.fields[2].extract = [{ type: "label", labels: ["Total"] }]; }, "fields.2"],
    ["expression on an unknown field", (d) => { d.fields[2].expression = "subtotal + vat"; }, "fields.2.expression"],
    ["expression that does not parse", (d) => { d.fields[2].expression = "subtotal +"; }, "fields.2.expression"],
    ["option for another type", (d) => { d.fields[0].resolve = { day_first: true }; }, "fields.0.resolve.day_first"],
    ["unknown currency", (d) => { d.fields[0].resolve = { currency: "XXX" }; }, "fields.0.resolve.currency"],
    ["first phase not transfer", (d) => { d.phases.shift(); }, "phases.0.type"],
    ["transfer twice", (d) => { d.phases.push({ type: "transfer" }); }, "phases.4.type"],
    ["resolution before extraction", (d) => { d.phases.splice(1, 1); d.phases.push({ type: "extraction" }); }, "phases.1.type"],
    ["unknown phase type", (d) => { d.phases[1].type = "magic"; }, "phases.1.type"],
    ["gate on an unknown field", (d) => { d.phases[3].gates[0].rules[0].field = "nope"; }, "phases.3.gates.0.rules.0.field"],
    ["unknown rule", (d) => { d.phases[3].gates[0].rules[0].rule = "vibes"; }, "phases.3.gates.0.rules.0.rule"],
    ["duplicate gate id", (d) => { d.phases.push({ type: "validation", gates: [{ id: "sums", rules: [{ rule: "required", field: "tax" }] }] }); }, "phases.4.gates.0.id"],
    ["max with a date on a number", (d) => { d.phases[3].gates[0].rules.push({ rule: "max", field: "total", value: "2024-01-01" }); }, "phases.3.gates.0.rules.1.value"],
    ["date_between on a number", (d) => { d.phases[3].gates[0].rules.push({ rule: "date_between", field: "total", from: "2024-01-01" }); }, "phases.3.gates.0.rules.1.field"],
    ["rule expression on an unknown field", (d) => { d.phases[3].gates[0].rules[0].expression = "total > limit"; }, "phases.3.gates.0.rules.0.expression"],
    ["derived field without resolution", (d) => { d.phases.splice(2, 1); }, "fields.2.expression"],
  ])("refuses %s at its path", (_name, mutate, path) => {
    const d = base();
    mutate(d);
    expect(problems(d)).toContain(path);
  });

  it("says RE2's reason for a pattern it cannot take", () => {
    const d = base();
    d.fields[1].extract[0].pattern = "(a)\\1";
    expect(v.safeParse(FieldsInput, d.fields).issues?.[0].message).toMatch(/RE2.*invalid escape/);
  });

  it("takes a catastrophic-looking pattern, which RE2 runs in linear time", () => {
    const d = base();
    d.fields[1].extract[0].pattern = "(a+)+$";
    expect(problems(d)).toEqual([]);
  });

  it("lets a derived field read only fields resolved before it", () => {
    const d = base();
    d.fields.unshift({ name: "early", type: "number", expression: "total * 2" });
    expect(problems(d)).toContain("fields.0.expression");
    d.fields.push({ name: "late", type: "number", expression: "total * 2" });
    d.fields.shift();
    expect(problems(d)).toEqual([]);
  });
});
