/**
 * Worker startup in workerd (through miniflare): from creating the runtime to the first response,
 * for the bundle exactly as `wrangler deploy --dry-run` builds it, against a trivial Worker started
 * the same way in the same run — the difference is our script's parse and top-level evaluation
 * (Cloudflare allows 1 s; issue 22 holds us within 400 ms of the trivial Worker: reported as the
 * difference of each start and the trivial start just before it, min and median, with the ratio and
 * the load average, since the absolute figures move with the machine's load). Also `/openapi.json` on a warm Worker:
 * the first request builds the document, later ones reuse it (built once per isolate).
 * Usage: npx tsx scripts/bench-worker.ts [starts=5]  (or BENCH_WORKER_STARTS)
 * BENCH_WORKER_PREVIOUS=<dir>: also start the bundle in <dir> (another commit's `wrangler deploy
 * --dry-run --outdir <dir>`), alternated with the two others, so a change is measured under one load.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { numberArg, report, round } from "./bench/targets";

const starts = numberArg(0, "BENCH_WORKER_STARTS", 5);
const TRIVIAL = `export default { fetch() { return new Response("ok"); } };`;
// Never reached: the requests below touch neither the database nor QStash nor Redis.
const bindings = {
  DATABASE_URL: "postgres://bench@127.0.0.1:9/bench", PUBLIC_URL: "http://sluice.bench", QSTASH_TOKEN: "unused",
  QSTASH_URL: "http://127.0.0.1:9", QSTASH_CURRENT_SIGNING_KEY: "sig_bench_current", QSTASH_NEXT_SIGNING_KEY: "sig_bench_next",
};

type Modules = Array<{ type: "ESModule"; path: string; contents: string }>;

/** Milliseconds from a new workerd to the first answer of `path`, and the runtime for more requests. */
async function start(modules: Modules, path: string) {
  const started = performance.now();
  const mf = new Miniflare({ modules, modulesRoot: "/", compatibilityDate: "2025-09-01", bindings });
  await (await mf.dispatchFetch(`http://sluice.bench${path}`)).arrayBuffer();
  return { ms: performance.now() - started, mf };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const minMedian = (values: number[]) => `min ${round(Math.min(...values))}, median ${round(median(values))}`;

/** The entry first, then the modules uploaded beside it (pdf.js, SheetJS, vendor/: the Office and e-mail parsers), imported only when needed. */
function modulesIn(dir: string): Modules {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.m?js$/.test(f)).sort((a, b) => Number(b === "worker.js") - Number(a === "worker.js"));
  return files.map((f) => ({ type: "ESModule", path: `/${f}`, contents: readFileSync(join(dir, f), "utf8") }));
}

const previousDir = process.env.BENCH_WORKER_PREVIOUS;
const outdir = mkdtempSync(join(tmpdir(), "sluice-worker-bench-"));
try {
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const bundle = modulesIn(outdir);
  const previous = previousDir ? modulesIn(previousDir) : null;
  const trivial: Modules = [{ type: "ESModule", path: "/worker.js", contents: TRIVIAL }];
  const ours: number[] = [];
  const trivialMs: number[] = [];
  const previousMs: number[] = [];
  const timeStart = async (modules: Modules, path: string) => {
    const { ms, mf } = await start(modules, path);
    await mf.dispose();
    return ms;
  };
  // Alternating, after one start of each as warm-up, so drift hits all alike.
  for (let i = -1; i < starts; i++) {
    const a = await timeStart(trivial, "/");
    const b = await timeStart(bundle, "/no-such-path");
    const c = previous ? await timeStart(previous, "/no-such-path") : 0;
    if (i >= 0) (trivialMs.push(a), ours.push(b), previousMs.push(c));
  }
  const { mf } = await start(bundle, "/no-such-path");
  const timed = async () => {
    const started = performance.now();
    const res = await mf.dispatchFetch("http://sluice.bench/openapi.json");
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
    await res.arrayBuffer();
    return performance.now() - started;
  };
  const first = await timed();
  const warm = [];
  for (let i = 0; i < 10; i++) warm.push(await timed());
  await mf.dispose();
  const reference = "trivial Worker, same runtime and start-up path";
  // Each start paired with the trivial start just before it: the pair shares the machine's load of that moment.
  const added = ours.map((ms, i) => ms - trivialMs[i]);
  const ratios = ours.map((ms, i) => ms / trivialMs[i]);
  const load = loadavg().map((l) => l.toFixed(1)).join(" / ");
  report("worker", [
    {
      metric: `workerd start to first response (median of ${starts}; ours ${minMedian(ours)}, trivial ${minMedian(trivialMs)})`, value: round(median(ours)), unit: "ms",
      reference, referenceValue: round(median(trivialMs)),
    },
    {
      metric: `start-up added over the trivial Worker, paired starts (${minMedian(added)}; ratio ${minMedian(ratios)}; target ≤ 400 ms)`,
      value: round(median(added)), unit: "ms",
    },
    ["load average (1 / 5 / 15 min) at the end", load],
    ...(previous ? [{
      metric: `previous bundle (${previousDir}), same alternation: start to first response (added over trivial: ${minMedian(previousMs.map((ms, i) => ms - trivialMs[i]))})`,
      value: round(median(previousMs)), unit: "ms", reference, referenceValue: round(median(trivialMs)),
    }] : []),
    {
      metric: "/openapi.json on a warm Worker (median of 10)", value: round(median(warm)), unit: "ms",
      reference: "the isolate's first /openapi.json", referenceValue: round(first),
    },
  ]);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
