import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { deflateSync } from "node:zlib";
import { ascii85, circularPdf, densePdf, filteredPdf, lzwZeros, runLengthZeros, runOne, streamBomb, watchService } from "../support/hostile";

/**
 * Hostile documents, each generated here, inside the upload limits: every one ends in `error` with
 * its limit's code after one attempt (never retried), while `/healthz` keeps answering and the
 * process's memory barely moves (the parse runs in the box's thread, not on the event loop).
 */
let t: TestApp;
const HEALTH_BOUND_MS = 1000;
const RSS_BOUND_MB = 250;

beforeAll(async () => {
  t = await startTestApp({
    env: { PDF_MAX_STREAM_BYTES: String(8 * 1024 * 1024), PDF_MAX_DECOMPRESSED_BYTES: String(20 * 1024 * 1024), MAX_WORDS: "2000", PARSE_MEMORY_MB: "256" },
  });
});
afterAll(() => t.close());

async function hostile(bytes: Uint8Array, meta: { filename: string; mime_type?: string }) {
  const stop = watchService(t);
  const { errors } = await runOne(t, bytes, meta);
  const watched = await stop();
  expect(watched.failures).toBe(0);
  expect(watched.worstHealthMs).toBeLessThan(HEALTH_BOUND_MS);
  expect(watched.rssGrowthMb).toBeLessThan(RSS_BOUND_MB);
  expect(errors).toHaveLength(1);
  expect(errors[0].attempts).toBe(1);
  return errors[0];
}

describe("parsing in a box: hostile documents end in error at once", () => {
  it("a million unclosed HTML tags: nesting_too_deep, in linear time", async () => {
    const html = new TextEncoder().encode(`<html><body>${"<div><span>".repeat(400_000)}Total: 1</body></html>`);
    expect((await hostile(html, { filename: "deep.html" })).code).toBe("nesting_too_deep");
  });

  it("a JSON value nested a million deep: nesting_too_deep, not phase_crashed", async () => {
    const json = new TextEncoder().encode(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`);
    expect((await hostile(json, { filename: "deep.json" })).code).toBe("nesting_too_deep");
  });

  it("a PDF stream compressed twice that inflates past the per-stream cap: decompression_limit", async () => {
    const bomb = await streamBomb(16 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = await hostile(bomb, { filename: "bomb.pdf" });
    expect(error).toMatchObject({ code: "decompression_limit", message: expect.stringContaining("per-stream") });
  });

  it("streams each under the cap that inflate past the per-document cap together: decompression_limit", async () => {
    const error = await hostile(await streamBomb(6 * 1024 * 1024, 1, 4), { filename: "many.pdf" });
    expect(error).toMatchObject({ code: "decompression_limit", message: expect.stringContaining("per-document") });
  });

  it.each<[string, () => Uint8Array, string[]]>([
    ["an LZW bomb", () => lzwZeros(64 * 1024 * 1024), ["LZWDecode"]],
    ["a RunLength bomb", () => runLengthZeros(16 * 1024 * 1024), ["RunLengthDecode"]],
    ["an ASCII85 then twice-deflated bomb", () => ascii85(deflateSync(deflateSync(new Uint8Array(64 * 1024 * 1024)))), ["ASCII85Decode", "FlateDecode", "FlateDecode"]],
  ])("%s (no Flate first): decompression_limit", async (_, data, filters) => {
    const error = await hostile(await filteredPdf(data(), filters), { filename: "bomb.pdf" });
    expect(error).toMatchObject({ code: "decompression_limit", message: expect.stringContaining("per-stream") });
  });

  it("a dense PDF with more words than the limit: too_many_words, before laying out the pages", async () => {
    expect((await hostile(await densePdf(4, 80), { filename: "dense.pdf" })).code).toBe("too_many_words");
  });

  it("a PDF whose page tree is circular: invalid_pdf once, not retried as phase_failed", async () => {
    expect((await hostile(await circularPdf(), { filename: "loop.pdf" })).code).toBe("invalid_pdf");
  });

  it("an ordinary PDF still parses in the box", async () => {
    const { errors } = await runOne(t, await densePdf(1, 5), { filename: "ok.pdf" });
    expect(errors).toEqual([]);
  });
});
