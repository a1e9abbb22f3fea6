import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceDefinition, invoiceText } from "../support/pipelines";

/**
 * `npm start` as a real child process on a PGlite folder, killed with SIGKILL in the middle of a
 * phase (a transfer stuck on a URL that never answers), restarted, killed again: the sweep
 * re-sends the stuck document each time, and after MAX_PHASE_CRASHES the document is retired.
 */
const MAX_CRASHES = 2;
const root = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "sluice-poison-"));
let port = 0;
let hits = 0;
let onHit: (() => void) | undefined;
let stuck: Server;
const children: ChildProcess[] = [];

async function freePort() {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(script = "src/entry/node.ts"): Started {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: {
      ...process.env, PORT: String(port), SLUICE_DATA_DIR: dataDir, DATABASE_URL: "", QSTASH_TOKEN: "", UPSTASH_REDIS_REST_URL: "",
      SWEEP_INTERVAL_SECONDS: "1", SWEEP_STALE_SECONDS: "3", PARSE_TIMEOUT_MS: "2500", FETCH_ALLOW_HOSTS: "127.0.0.1", FETCH_TIMEOUT_MS: "120000",
      MAX_PHASE_CRASHES: String(MAX_CRASHES),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const listening = (s: Started) => until("the server to listen", () => (s.output().includes("sluice listening") ? true : undefined));
const nextHit = () => new Promise<void>((resolve) => (onHit = resolve));

async function kill(s: Started) {
  s.child.kill("SIGKILL");
  await s.exited;
}

beforeAll(async () => {
  port = await freePort();
  // A file server that takes the request and never answers: the transfer phase hangs inside it.
  stuck = createServer(() => {
    hits++;
    onHit?.();
  });
  await new Promise<void>((resolve) => stuck.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  stuck.closeAllConnections();
  await new Promise((resolve) => stuck.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a delivery that keeps killing its process", () => {
  it("is retired as phase_crashed after MAX_PHASE_CRASHES, and the rest of the run goes on", async () => {
    const first = start();
    await listening(first);
    const key = /SLUICE_API_KEY=(\S+)/.exec(first.output())![1];
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { "X-API-Key": key, "content-type": "application/json" } });

    // Node's own header limit answers in the envelope too.
    const long = await fetch(`http://127.0.0.1:${port}/v1/pipelines?q=${"x".repeat(100_000)}`);
    expect(long.status).toBe(431);
    const refused = await long.json();
    expect(refused.error.code).toBe("headers_too_large");
    expect(refused.error.request_id).toBe(long.headers.get("x-request-id"));

    // A second process on the same folder refuses to start instead of splitting the database.
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by process \d+/);
    const bootstrap = start("scripts/bootstrap.ts");
    expect(await bootstrap.exited).toBe(1);
    expect(bootstrap.output()).toMatch(/npm run bootstrap: the data folder .* is in use/);

    const hit = nextHit();
    const fileUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}/never.txt`;
    const created = await api("/v1/pipelines", {
      method: "POST",
      body: JSON.stringify({ name: "poison", ...invoiceDefinition, documents: [{ id: "fine", text: invoiceText(1) }, { id: "poison", file_url: fileUrl }] }),
    });
    expect(created.status).toBe(202);
    const pipelineId = (await created.json()).id as string;
    await hit;
    // The fine document is parsed in a thread the first parse starts: let it finish before the kill.
    await until("the fine document to finish", async () => {
      const run = await (await api(`/v1/pipelines/${pipelineId}`)).json();
      return run.counts.pending === 1 ? true : undefined;
    }, 20_000);
    await kill(first);

    for (let crash = 2; crash <= MAX_CRASHES; crash++) {
      const again = nextHit();
      const restarted = start();
      await again;
      await kill(restarted);
    }
    expect(hits).toBe(MAX_CRASHES);

    const last = start();
    await listening(last);
    const finished = await until("the run to finish", async () => {
      const run = await (await api(`/v1/pipelines/${pipelineId}`)).json();
      return run.status === "running" ? undefined : run;
    });
    expect(finished.status).toBe("partial");
    const records = await (await api(`/v1/pipelines/${pipelineId}/records`)).json();
    const errors = JSON.stringify(records.errors);
    expect(errors).toContain("phase_crashed");
    expect(hits).toBe(MAX_CRASHES); // retired before the phase ran a third time
    const fine = Object.values<any>(records.records).find((r) => r.fields.invoice_number?.value === "INV-1");
    expect(fine).toBeDefined();
    last.child.kill("SIGTERM");
    expect(await last.exited).toBe(0);
  }, 180_000);
});
