import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import ws from "ws";
import { bootstrapOrganization } from "../../src/bootstrap";
import { loadConfig, type Config } from "../../src/config";
import type { DbHandle } from "../../src/db/handle";
import { migrate } from "../../src/db/migrate";
import { createNeonDb } from "../../src/db/neon";
import { createPgliteDb } from "../../src/db/pglite";
import { compose } from "../../src/entry/compose";
import { silentLogger } from "../../src/logger";

export const schemaSql = readFileSync(new URL("../../schema.sql", import.meta.url), "utf8");

/** Real Postgres for benchmarks: BENCH_DATABASE_URL, else the test suite's SLUICE_TEST_DATABASE_URL. */
export const realDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.SLUICE_TEST_DATABASE_URL;
export const realRedisUrl = process.env.BENCH_REDIS_URL ?? process.env.SLUICE_TEST_REDIS_URL;

export interface BenchDb {
  name: string;
  handle: DbHandle;
  /** The plain Postgres URL of the throwaway database (real target only). */
  url?: string;
  /** The Neon WebSocket proxy in front of it, for a server process of its own (NEON_WS_PROXY). */
  wsProxy?: string;
  close(): Promise<void>;
}

export async function embeddedDb(): Promise<BenchDb> {
  const handle = await createPgliteDb();
  await migrate(handle, schemaSql);
  return { name: "embedded (PGlite)", handle, close: () => handle.close() };
}

/** A throwaway database on real Postgres, reached through the Neon driver as in production. */
export async function realDb(): Promise<BenchDb | null> {
  if (!realDatabaseUrl) return null;
  const proxy = await startProxyProcess();
  const wsProxy = `${proxy.host}/v1`;
  const admin = createNeonDb({ connectionString: realDatabaseUrl, wsProxy, webSocketConstructor: ws });
  const name = `sluice_bench_${process.pid}_${Date.now().toString(36)}`;
  await admin.runScript(`create database ${name}`);
  const url = new URL(realDatabaseUrl);
  url.pathname = `/${name}`;
  const handle = createNeonDb({ connectionString: url.toString(), wsProxy, webSocketConstructor: ws, maxConnections: 10 });
  await migrate(handle, schemaSql);
  return {
    name: "Postgres (Neon driver)",
    handle,
    url: url.toString(),
    wsProxy,
    close: async () => {
      await handle.close();
      // The pool's sockets close asynchronously; forcing the drop earlier kills them mid-close.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await admin.runScript(`drop database if exists ${name} with (force)`);
      await admin.close();
      proxy.child.disconnect();
      await once(proxy.child, "exit");
    },
  };
}

async function startProxyProcess(): Promise<{ host: string; child: ChildProcess }> {
  const child = fork(new URL("./neon-proxy-process.ts", import.meta.url).pathname, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const host = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { host: string }) => resolve(message.host));
    child.once("exit", (code) => reject(new Error(`Neon proxy process exited (${code}) before listening`)));
  });
  return { host, child };
}

export const benchConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({ PUBLIC_URL: "http://sluice.bench", RATE_LIMIT_REQUESTS: "100000000", ...env });

export { silentLogger as silent };

/** The composed app on a bench database with a fresh organization, and a JSON caller with its admin key. */
export async function benchApp(handle: DbHandle) {
  const { app, services } = compose(benchConfig(), handle, { logger: silentLogger });
  const { api_key, organization_id } = await bootstrapOrganization(services.db, "bench");
  const call = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { "X-API-Key": api_key, "content-type": "application/json", ...init.headers } });
  return { app, services, organizationId: organization_id, call };
}

/** A numeric parameter: the positional argument if given, else the environment variable, else the default. */
export function numberArg(position: number, envName: string, fallback: number): number {
  const raw = process.argv.slice(2).filter((arg) => !arg.startsWith("--"))[position] ?? process.env[envName];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${envName} (argument ${position + 1}) must be a positive number, got ${raw}`);
  return value;
}

/** Nearest-rank percentile of samples in milliseconds, as text with `digits` decimals. */
export function percentile(samples: number[], q: number, digits = 2): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)].toFixed(digits);
}

export const skippedRealService = (what: string, vars: string) => `skipped: no real ${what} (set ${vars})`;

/**
 * One measured figure. `reference` names what the same run measured to compare it with (a bare
 * app, Postgres' own COPY, a replay of the same SQL…); ratio = value / reference_value, so the
 * figure survives a slower or busier machine where the absolute value does not.
 */
export interface Figure {
  metric: string;
  /** Text only for a row that could not be measured (e.g. "skipped: no real Postgres"). */
  value: number | string;
  unit: string;
  reference?: string;
  referenceValue?: number;
}

/** The `--json` form: one object per metric, as `npm run bench -- --json` prints it. */
export interface FigureJson {
  bench: string;
  metric: string;
  value: number | string;
  unit: string;
  reference: string | null;
  reference_value: number | null;
  ratio: number | null;
}

export const jsonOutput = process.argv.includes("--json") || process.env.BENCH_JSON === "1";

export function toJson(bench: string, row: Figure | [string, string | number]): FigureJson {
  const f: Figure = Array.isArray(row) ? { metric: row[0], value: row[1], unit: "" } : row;
  const numeric = typeof f.value === "number" ? f.value : /^-?\d+(\.\d+)?$/.test(f.value) ? Number(f.value) : f.value;
  const ratio = typeof numeric === "number" && f.referenceValue ? Number((numeric / f.referenceValue).toPrecision(3)) : null;
  return { bench, metric: f.metric, value: numeric, unit: f.unit, reference: f.reference ?? null, reference_value: f.referenceValue ?? null, ratio };
}

/** A figure as one human-readable line: metric, value, then the ratio to its reference. */
export function describe(f: FigureJson): string {
  const value = `${f.value}${f.unit ? ` ${f.unit}` : ""}`;
  return f.ratio === null ? `${f.metric}\t${value}` : `${f.metric}\t${value}\t${f.ratio}× ${f.reference} (${f.reference_value} ${f.unit})`;
}

/**
 * Prints a bench's figures: a `## bench` header and one line each, or with `--json` (or
 * BENCH_JSON=1, as the runner sets it) one JSON object per line and nothing else.
 */
export function report(bench: string, rows: Array<Figure | [string, string | number]>) {
  const figures = rows.map((row) => toJson(bench, row));
  if (jsonOutput) {
    for (const f of figures) console.log(JSON.stringify(f));
    return;
  }
  console.log(`## ${bench}`);
  for (const f of figures) console.log(describe(f));
}

/** Round to a few significant digits for printing, keeping the value a number. */
export const round = (value: number, digits = 3) => Number(value.toPrecision(digits));
