/**
 * `npm run bench`: runs every scripts/bench-*.ts in turn (each prints `## name` then
 * `metric<TAB>value` lines) and ends with one markdown table of every figure. Numbers only:
 * nothing here passes or fails.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const here = new URL(".", import.meta.url).pathname;
const benches = readdirSync(here).filter((f) => /^bench-.+\.ts$/.test(f)).sort();
const table: string[] = ["| bench | metric | value |", "| --- | --- | --- |"];

for (const file of benches) {
  console.log(`\n▶ ${file}`);
  const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", `${here}${file}`], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(run.stdout);
  let bench = file.replace(/^bench-|\.ts$/g, "");
  for (const line of run.stdout.split("\n")) {
    if (line.startsWith("## ")) bench = line.slice(3).trim();
    const [metric, value] = line.split("\t");
    if (value !== undefined) table.push(`| ${bench} | ${metric} | ${value} |`);
  }
  if (run.status !== 0) table.push(`| ${bench} | (exited ${run.status}) | see output above |`);
}

console.log(`\nMachine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
console.log(table.join("\n"));
