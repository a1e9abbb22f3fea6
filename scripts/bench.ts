/**
 * `npm run bench`: runs every scripts/bench-*.ts in turn, each in its own Node process (with
 * --expose-gc, for the export's live-memory figure), and ends with one markdown table of every
 * figure, ratio to its same-run reference first. `npm run bench -- engine export` runs a subset;
 * `npm run bench -- --json` prints only one JSON object per metric on stdout (progress on stderr):
 * `{bench, metric, value, unit, reference, reference_value, ratio}`.
 * Numbers only: nothing here passes or fails.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { describe, realDatabaseUrl, realRedisUrl, type FigureJson } from "./bench/targets";

const here = new URL(".", import.meta.url).pathname;
const json = process.argv.includes("--json");
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const benches = readdirSync(here)
  .filter((f) => /^bench-.+\.ts$/.test(f) && (only.length === 0 || only.includes(f.replace(/^bench-|\.ts$/g, ""))))
  .sort();
const cell = (text: string | number | null) => String(text ?? "").replace(/\|/g, "\\|");
const progress = (text: string) => (json ? process.stderr : process.stdout).write(text);

/** Runs one bench with BENCH_JSON=1, echoing its figures as readable lines, and resolves with them. */
function runBench(file: string): Promise<{ figures: FigureJson[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", `${here}${file}`], {
      stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, BENCH_JSON: "1" },
    });
    const figures: FigureJson[] = [];
    let pending = "";
    const take = (line: string) => {
      if (!line.startsWith("{")) return line && progress(`${line}\n`);
      const figure = JSON.parse(line) as FigureJson;
      figures.push(figure);
      progress(`${describe(figure)}\n`);
    };
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      lines.forEach(take);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      take(pending);
      resolve({ figures, code });
    });
  });
}

const started = performance.now();
const all: FigureJson[] = [];
const failed: string[] = [];
for (const file of benches) {
  progress(`\n▶ ${file}\n`);
  const { figures, code } = await runBench(file);
  all.push(...figures);
  if (code !== 0) failed.push(`${file} exited ${code}`);
}

const services = [
  realDatabaseUrl ? "real Postgres" : "no real Postgres (rows skipped)",
  realRedisUrl ? "real Redis" : "no real Redis (rows skipped)",
].join(", ");
const machine = `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "cpu"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
progress(`\nMachine: ${machine}; ${services}; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
if (failed.length > 0) progress(`Failed: ${failed.join(", ")} (see output above)\n`);
if (json) {
  for (const figure of all) console.log(JSON.stringify(figure));
} else {
  // Ratio first: it is the figure that carries over to another machine or load; the value is for context.
  const table = ["| ratio | bench | metric | reference (same run) | value |", "| --- | --- | --- | --- | --- |"];
  for (const f of all) {
    const reference = f.reference === null ? "" : `${f.reference} (${f.reference_value} ${f.unit})`;
    const ratio = f.ratio === null ? "" : `${f.ratio}×`;
    table.push(`| ${ratio} | ${cell(f.bench)} | ${cell(f.metric)} | ${cell(reference)} | ${cell(`${f.value} ${f.unit}`.trim())} |`);
  }
  console.log(`\n${table.join("\n")}`);
}
