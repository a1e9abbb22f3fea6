/**
 * `npm run bench`: runs every scripts/bench-*.ts in turn, each in its own Node process (with
 * --expose-gc, for the export's live-memory figure), and ends with one markdown table of every
 * figure. A bench prints `## name` then `metric<TAB>value` lines (see report() in bench/targets).
 * Numbers only: nothing here passes or fails. `npm run bench -- engine export` runs a subset.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { realDatabaseUrl, realRedisUrl } from "./bench/targets";

const here = new URL(".", import.meta.url).pathname;
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => /^bench-.+\.ts$/.test(f) && (only.length === 0 || only.includes(f.replace(/^bench-|\.ts$/g, ""))))
  .sort();
const cell = (text: string) => text.replace(/\|/g, "\\|");
const table: string[] = ["| bench | metric | value |", "| --- | --- | --- |"];

/** Runs one bench, echoing its output as it comes, and resolves with its stdout and exit code. */
function runBench(file: string): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", `${here}${file}`], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      process.stdout.write(text);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, code }));
  });
}

const started = performance.now();
for (const file of benches) {
  console.log(`\n▶ ${file}`);
  const { stdout, code } = await runBench(file);
  let bench = file.replace(/^bench-|\.ts$/g, "");
  for (const line of stdout.split("\n")) {
    if (line.startsWith("## ")) bench = line.slice(3).trim();
    const [metric, value] = line.split("\t");
    if (value !== undefined) table.push(`| ${cell(bench)} | ${cell(metric)} | ${cell(value)} |`);
  }
  if (code !== 0) table.push(`| ${cell(bench)} | (exited ${code}) | see output above |`);
}

const services = [
  realDatabaseUrl ? "real Postgres" : "no real Postgres (rows skipped)",
  realRedisUrl ? "real Redis" : "no real Redis (rows skipped)",
].join(", ");
console.log(`\nMachine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "cpu"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; ${services}; ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
console.log(table.join("\n"));
