/** Worker bundle size, built exactly as `wrangler deploy --dry-run` builds it. Target: < 1 MB gzip. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { report } from "./bench/targets";

const outdir = mkdtempSync(join(tmpdir(), "sluice-bundle-"));
try {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const bundle = readFileSync(join(outdir, readdirSync(outdir).find((f) => f.endsWith(".js"))!));
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  report("bundle", [["Worker bundle raw", kib(bundle.length)], ["Worker bundle gzip (target < 1 MB)", kib(gzipSync(bundle, { level: 9 }).length)]]);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
