import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder holding the Worker bundle exactly as `wrangler deploy --dry-run` builds it. */
    workerBundle: string;
  }
}

/** Builds the Worker bundle once per run for every Worker suite: wrangler and its esbuild pass cost seconds each time. */
export default function setup(project: TestProject) {
  const outdir = mkdtempSync(join(tmpdir(), "sluice-worker-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  project.provide("workerBundle", outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}
