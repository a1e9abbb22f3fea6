import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The README's First run, pasted into bash as written, in a folder laid out like a clone (the
 * repository's files linked in, its own `.data/` and `sluice.log`): on an empty data folder, on the
 * folder that run left behind, and after the set-up line's `npm start` is already running.
 * Only the port differs from the README (8787 → a free one): helpers share this machine.
 */
const root = new URL("../..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## First run"), readme.indexOf("## Running and testing"));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);

let clone = "";
let port = 0;

async function freePort() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return free;
}

const env = () => ({
  ...process.env, PORT: String(port), DATABASE_URL: "", QSTASH_TOKEN: "", UPSTASH_REDIS_REST_URL: "", SLUICE_DATA_DIR: "",
  npm_config_loglevel: "error",
});

function run(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: clone, env: env(), stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, output: () => output };
}

/** Kills the server holding the clone's data folder (its pid is in the lock file) and waits for it to go. */
async function stopServer() {
  const lock = join(clone, ".data/sluice.lock");
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, "utf8").trim());
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 100 && existsSync(lock); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Every block of First run, in one bash, as a person pastes them one after the other. */
async function pasteFirstRun() {
  const script = blocks.join("\n").replaceAll("8787", String(port));
  const shell = run("bash", ["-c", script]);
  const code = await shell.exited;
  return { code, output: shell.output() };
}

async function expectFinishedRun(output: string) {
  expect(output).toMatch(/^run [0-9a-f-]{36}$/m);
  expect(output).toContain('"invoice_number": "INV-1"');
  expect(output).toMatch(/^INV-1,120\.50,EUR$/m);
  const shareUrl = /^(http:\/\/localhost:\d+\/share\/shr_\S+)$/m.exec(output)?.[1];
  expect(shareUrl, output).toBeDefined();
  expect((await fetch(shareUrl!)).status).toBe(200);
}

beforeAll(async () => {
  port = await freePort();
  clone = mkdtempSync(join(tmpdir(), "sluice-first-run-"));
  for (const name of ["package.json", "node_modules", "src", "scripts", "schema.sql", "dist", "tsconfig.json"]) {
    symlinkSync(join(root, name), join(clone, name));
  }
});

afterAll(async () => {
  await stopServer();
  rmSync(clone, { recursive: true, force: true });
});

// Each paste starts a real server on PGlite and waits for a run: minutes on a loaded machine, not a speed check.
describe("README First run, pasted into a shell", { timeout: 180_000 }, () => {
  it("has its five blocks", () => expect(blocks).toHaveLength(5));

  it("works on an empty data folder and keeps the admin key in a file only its owner reads", async () => {
    const { output } = await pasteFirstRun();
    await expectFinishedRun(output);
    expect(statSync(join(clone, ".data/admin-key")).mode & 0o777).toBe(0o600);
    await stopServer();
  });

  it("works again on the data folder the first run left behind", async () => {
    const { output } = await pasteFirstRun();
    await expectFinishedRun(output);
    await stopServer();
  });

  it("works after the set-up line's npm start is already running, on a new folder", async () => {
    rmSync(join(clone, ".data"), { recursive: true, force: true });
    const setUp = run("npm", ["start"]);
    while (!setUp.output().includes("sluice listening")) await new Promise((resolve) => setTimeout(resolve, 100));
    const { output } = await pasteFirstRun();
    await expectFinishedRun(output);
    expect(readFileSync(join(clone, "sluice.log"), "utf8")).toMatch(/in use by process/);
    await stopServer();
    await setUp.exited;
  });
});
