/**
 * `npm start` until `/healthz` answers, on a fresh data folder and on an existing one, against a
 * reference measured in the same run: a plain Node process that opens PGlite on an existing folder
 * and answers /healthz (scripts/bench/pglite-healthz.mjs) — what any server on PGlite must pay.
 * Targets: ≤ 3 s existing, ≤ 5 s fresh. Each figure is the median of a few starts.
 * Usage: npx tsx scripts/bench-start.ts [starts=3]  (or BENCH_STARTS)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { numberArg, report, round } from "./bench/targets";

const starts = numberArg(0, "BENCH_STARTS", 3);
const root = new URL("..", import.meta.url).pathname;
const PORT = 18_787;

/** Seconds from spawning `command` until /healthz answers 200; the whole process group is then stopped. */
async function readyAfter(command: string[], dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    cwd: root, detached: true, stdio: "ignore", env: { ...process.env, PORT: String(PORT), SLUICE_DATA_DIR: dataDir },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(" ")} exited ${child.exitCode} before answering`);
      const ok = await fetch(`http://127.0.0.1:${PORT}/healthz`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const scratch = mkdtempSync(join(tmpdir(), "sluice-bench-start-"));
const times = { fresh: [] as number[], existing: [] as number[], reference: [] as number[] };
try {
  const npmStart = ["npm", "start", "--silent"];
  const reference = ["node", join(root, "scripts/bench/pglite-healthz.mjs"), join(scratch, "reference")];
  await readyAfter(reference, join(scratch, "reference")); // creates the reference's folder: it measures an existing one
  await readyAfter(npmStart, join(scratch, "warm-up")); // prestart's one-off work (bundle, template) is not timed
  for (let i = 0; i < starts; i++) {
    const folder = join(scratch, `run-${i}`);
    times.fresh.push(await readyAfter(npmStart, folder));
    times.existing.push(await readyAfter(npmStart, folder));
    times.reference.push(await readyAfter(reference, join(scratch, "reference")));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const reference = "plain Node opening PGlite on an existing folder, answering /healthz";
const figure = (metric: string, seconds: number[]) => ({
  metric: `${metric} (median of ${starts})`, value: round(median(seconds)), unit: "s", reference, referenceValue: round(median(times.reference)),
});
report("start", [
  figure("npm start until /healthz answers, existing data folder (target ≤ 3 s)", times.existing),
  figure("npm start until /healthz answers, fresh data folder (target ≤ 5 s)", times.fresh),
]);
