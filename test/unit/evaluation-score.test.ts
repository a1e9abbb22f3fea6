import { describe, expect, it } from "vitest";
import { compareScores, sameValue, scoreRun } from "../../src/evaluations/score";
import { compileDefinition } from "../../src/pipeline/definition";
import type { Cell } from "../../src/pipeline/types";

describe("sameValue", () => {
  it.each([
    [100, 100.0000000001, true],
    [100, 100.01, false],
    ["INV-1", " INV-1 ", true],
    ["inv-1", "INV-1", false],
    [12.5, { amount: 12.5, currency: "EUR" }, true],
    [{ amount: 12.5, currency: "EUR" }, { amount: 12.5, currency: "USD" }, false],
    [null, null, true],
    [null, "x", false],
    [true, true, true],
  ])("%j vs %j → %s", (expected, actual, same) => {
    expect(sameValue(expected, actual)).toBe(same);
  });
});

const config = compileDefinition({
  fields: [
    { name: "a", type: "number", extract: [{ type: "label", labels: ["A"] }] },
    { name: "b", type: "string", extract: [{ type: "label", labels: ["B"] }] },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }],
});
const cell = (value: unknown, status: Cell["status"]): Cell =>
  ({ value, status, type: "number", reason: null, claimed_by: null, resolved_by: status === "completed" ? "input" : null, meta: {} });
const doc = (id: string, a: Cell, b: Cell, expected: Record<string, unknown> | null) => ({ id, external_id: id, cells: { a, b }, expected });

describe("scoreRun and compareScores", () => {
  it("counts a wrong released value as silent, a wrong held value as caught, and skips unnamed fields", () => {
    const score = scoreRun(config, [
      doc("d1", cell(1, "completed"), cell("x", "completed"), { a: 1, b: "x" }),
      doc("d2", cell(5, "completed"), cell("y", "completed"), { a: 2 }),
      doc("d3", cell(9, "needs_review"), cell("z", "completed"), { a: 9 }),
      doc("d4", cell(1, "completed"), cell("x", "completed"), null),
    ]);
    expect(score).toMatchObject({ documents_evaluated: 3, silent_errors: 1, accuracy: 0.5 });
    expect(score.fields).toMatchObject({ a: { compared: 3, correct: 1, accuracy: 0.3333, silent_errors: 1 }, b: { compared: 1, correct: 1, accuracy: 1, silent_errors: 0 } });
    expect(score.documents[2].differences).toEqual([{ field: "a", expected: 9, actual: null, status: "needs_review", silent: false }]);

    const better = scoreRun(config, [
      doc("d1", cell(1, "completed"), cell("x", "completed"), { a: 1, b: "x" }),
      doc("d2", cell(2, "completed"), cell("y", "completed"), { a: 2 }),
      doc("d3", cell(9, "needs_review"), cell("z", "completed"), { a: 9 }),
    ]);
    expect(compareScores(score, better)).toEqual({
      fields: { better: ["a"], worse: [], unchanged: ["b"] }, documents: { better: ["d2"], worse: [] },
      accuracy_delta: 0.25, silent_errors_delta: -1,
    });
    expect(compareScores(better, score).documents).toEqual({ better: [], worse: ["d2"] });
  });
});
