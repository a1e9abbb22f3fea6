import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createThreadParseBox } from "../../src/adapters/parse/threads";

/**
 * The Node parse box against thread entries that misbehave as a hostile parse would: one that never
 * returns, one that allocates without end. Each ends with its limit's code, the main thread stays
 * responsive meanwhile, and the box parses again afterwards with a fresh thread.
 */
const dir = mkdtempSync(join(tmpdir(), "sluice-box-"));
function entry(name: string, onMessage: string) {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `import { parentPort } from "node:worker_threads";\nparentPort.on("message", ({ bytes }) => { ${onMessage} });\nparentPort.postMessage({ ready: true });\n`);
  return pathToFileURL(file);
}
const echo = `parentPort.postMessage({ ok: true, parsed: { pages: [new TextDecoder().decode(bytes)] } });`;
const options = { pageRange: null, maxPages: 10 };
const bytes = (text: string) => new TextEncoder().encode(text);

/** The worst delay of a 10 ms timer on this thread while `work` runs. */
async function worstTimerDelay(work: Promise<unknown>) {
  let worst = 0;
  let done = false;
  work.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    worst = Math.max(worst, performance.now() - started - 10);
  }
  return worst;
}

describe("thread parse box", () => {
  it("ends a parse that passes its deadline with parse_time_limit, and the event loop never waits for it", async () => {
    const box = createThreadParseBox({ entry: entry("spin", "for (;;) {}"), timeoutMs: 800, memoryMb: 64, threads: 1 });
    const parse = box(bytes("x"), options);
    const delay = await worstTimerDelay(parse);
    await expect(parse).rejects.toMatchObject({ code: "parse_time_limit" });
    expect(delay).toBeLessThan(500);
    await box.close();
  });

  it("ends a parse that passes its heap ceiling with parse_memory_limit", async () => {
    const grow = "const keep = []; for (;;) keep.push(new Array(100000).fill({ a: Math.random() }));";
    const box = createThreadParseBox({ entry: entry("grow", grow), timeoutMs: 30_000, memoryMb: 48, threads: 1 });
    const rss = process.memoryUsage.rss();
    await expect(box(bytes("x"), options)).rejects.toMatchObject({ code: "parse_memory_limit" });
    expect((process.memoryUsage.rss() - rss) / 1024 / 1024).toBeLessThan(200);
    await box.close();
  });

  it("runs at most `threads` parses at once and reuses a thread for the next", async () => {
    const slow = `setTimeout(() => { ${echo} }, 200);`;
    const box = createThreadParseBox({ entry: entry("slow", slow), timeoutMs: 5000, memoryMb: 64, threads: 2 });
    const started = performance.now();
    const results = await Promise.all(["a", "b", "c", "d"].map((text) => box(bytes(text), options)));
    expect(results.map((r) => r.pages[0])).toEqual(["a", "b", "c", "d"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400); // two rounds of two
    await box.close();
  });

  it("passes a parser's permanent error on with its code", async () => {
    const refuse = `parentPort.postMessage({ ok: false, code: "nesting_too_deep", message: "too deep" });`;
    const box = createThreadParseBox({ entry: entry("refuse", refuse), timeoutMs: 5000, memoryMb: 64, threads: 1 });
    await expect(box(bytes("x"), options)).rejects.toMatchObject({ code: "nesting_too_deep", message: "too deep" });
    await box.close();
  });
});
