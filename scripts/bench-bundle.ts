/**
 * Worker bundle size, built exactly as `wrangler deploy --dry-run` builds it, gzipped here with
 * node:zlib (default level) and also as wrangler itself reports it. Target: < 1 MB gzip.
 * Usage: npx tsx scripts/bench-bundle.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { report } from "./bench/targets";

interface Metafile { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }

/** Bytes of OCR code (the engine, its language data, the rasteriser, the reader's threads): the Worker hands scans to READER_URL. */
function ocrBytes(meta: Metafile): number {
  const ocr = /tesseract|src\/adapters\/ocr\/(?!interface)/;
  return Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs)).filter(([path]) => ocr.test(path)).reduce((sum, [, i]) => sum + i.bytesInOutput, 0);
}

/** Bytes in the output per npm package (our own code as "src"), largest first. */
function largest(meta: Metafile, count: number): Array<[string, number]> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? "src";
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, count);
}

const outdir = mkdtempSync(join(tmpdir(), "sluice-bundle-"));
try {
  const output = execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir, "--metafile", join(outdir, "meta.json")], { encoding: "utf8", stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  // Every emitted module counts towards the upload; source maps do not.
  const modules = readdirSync(outdir, { recursive: true, encoding: "utf8" }).filter((f) => /\.m?js$/.test(f)).map((f) => readFileSync(join(outdir, f)));
  // What workerd compiles at every isolate start; the other modules wait for the first document that needs them.
  const entry = readFileSync(join(outdir, "worker.js"));
  const raw = modules.reduce((sum, m) => sum + m.length, 0);
  const gzip = modules.reduce((sum, m) => sum + gzipSync(m).length, 0);
  const meta = JSON.parse(readFileSync(join(outdir, "meta.json"), "utf8")) as Metafile;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const wrangler = /Total Upload: (.+)/.exec(output)?.[1]?.trim() ?? "not printed";
  report("bundle", [
    [`Worker bundle raw (${modules.length} module${modules.length === 1 ? "" : "s"})`, kib(raw)],
    ["Worker bundle gzip, node:zlib (target < 1 MB)", kib(gzip)],
    ["Worker entry (worker.js, compiled at every start) raw / gzip", `${kib(entry.length)} / ${kib(gzipSync(entry).length)}`],
    ["wrangler's own figure", wrangler],
    ["OCR code in the bundle (target 0: scans go to READER_URL)", kib(ocrBytes(meta))],
    ["largest contributors, raw bytes in the bundle", largest(meta, 5).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(", ")],
  ]);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
