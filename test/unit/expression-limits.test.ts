import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { EXPRESSION_LIMITS } from "../../src/pipeline/expression-limits";
import { evaluateExpression, parseExpression } from "../../src/pipeline/expressions";

const failure = async (source: string, values: Record<string, unknown> = {}) => {
  try {
    await evaluateExpression(source, values);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${source} evaluated without hitting a limit`);
};

describe("bounded expressions", () => {
  it.each([
    ["$pad past the string ceiling", '$length($pad("x", 300000000))', /\$pad's result would be longer/],
    ["$join of many large strings", '($s := $pad("", 900000); $join([1..50].$s, $s))', /\$join's result|characters/],
    ["$replace that multiplies its input", '$replace($pad("", 100000, "a"), "a", $pad("", 50, "b"))', /\$replace's result/],
    ["a sequence past the item ceiling", "[1..1000000]", /sequence length/],
    ["a split into too many items", '$split($pad("", 900000, "a"), "")', /more than 10000 items/],
    ["a string doubled past the ceiling", '($s := $pad("", 600000); $s & $s)', /longer than 1000000 characters/],
    ["an endless recursion", "($f := function($x){ $f($x + 1) }; $f(1))", /took more than \d+ steps/],
    ["$eval", '$eval("1 + 1")', /\$eval is not available/],
  ])("stops %s with a message", async (_name, source, message) => {
    expect(await failure(source)).toMatch(message);
  });

  it("runs regex literals on RE2: a catastrophic pattern answers at once", async () => {
    const started = performance.now();
    expect(await evaluateExpression("$contains(a, /(a+)+$/)", { a: `${"a".repeat(5000)}!` })).toBe(false);
    expect(await evaluateExpression("$contains(a, /(a+)+!$/)", { a: `${"a".repeat(5000)}!` })).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await evaluateExpression('$replace(a, /(\\d+)/, "<$1>")', { a: "no 42" })).toBe("no <42>");
  });

  it("refuses at compile time what RE2 cannot run and $eval", () => {
    expect(parseExpression("$contains(a, /(?<=x)a/)")).toMatchObject({ ok: false, message: expect.stringMatching(/RE2/) });
    expect(parseExpression("($e := $eval; $e('1'))")).toMatchObject({ ok: false });
    expect(parseExpression("$sum(lines.amount) = subtotal")).toEqual({ ok: true, references: ["lines", "subtotal"] });
  });

  it("keeps ordinary expressions working within the limits", async () => {
    expect(await evaluateExpression("$sum(lines.amount)", { lines: [{ amount: 1 }, { amount: 2.5 }] })).toBe(3.5);
    expect(await evaluateExpression("$count($distinct($append([1..1500], [1..1500])))", {})).toBe(1500);
    expect((await evaluateExpression('$pad("x", 5)', {})) as string).toHaveLength(5);
    expect(EXPRESSION_LIMITS.maxItems).toBe(10_000);
  });

  it("lets other work run while a long expression evaluates: it pauses after every slice of work", async () => {
    // Counted in turns, not milliseconds: the pauses follow the work done, so the count holds on any machine.
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await failure("($f := function($x){ $f($x + 1) }; $f(1))");
    ticking = false;
    expect(turns).toBeGreaterThanOrEqual(10);
  });

  it("gives a budget-edge expression the same verdict on a busy machine", async () => {
    const countdown = '($f := function($n){ $n > 0 ? $f($n - 1) : "done" }; $f(n))';
    const passes = (n: number) => evaluateExpression(countdown, { n }).then(() => true, (error: Error) => {
      expect(error.message).toMatch(/took more than \d+ steps/);
      return false;
    });
    // The edge in iterations, to within 2 % of it: gallop up from a cheap count, then halve the gap.
    let low = 500;
    while (await passes(low * 2)) low *= 2;
    let high = low * 2;
    while (high - low > low / 50) {
      const middle = Math.floor((low + high) / 2);
      if (await passes(middle)) low = middle;
      else high = middle;
    }
    // Another process keeps a core busy while the two sides of the edge are evaluated again.
    const spinner = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
    try {
      const verdicts: boolean[] = [];
      for (let round = 0; round < 3; round++) verdicts.push(await passes(low), await passes(high));
      expect(verdicts).toEqual([true, false, true, false, true, false]);
    } finally {
      spinner.kill("SIGKILL");
    }
  }, 60_000);
});
