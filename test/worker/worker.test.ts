import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import ws from "ws";
import { bootstrapOrganization } from "../../src/bootstrap";
import { createNeonDb } from "../../src/db/neon";

let mf: Miniflare;
let outdir: string;
let apiKey: string;

/** The Worker bundle exactly as `wrangler deploy --dry-run` builds it, run inside workerd. */
beforeAll(async () => {
  const services = inject("services");
  outdir = mkdtempSync(join(tmpdir(), "sluice-worker-"));
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], { stdio: "pipe", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const bundle = readdirSync(outdir).find((f) => f.endsWith(".js"));
  expect(bundle).toBeTruthy();

  const handle = createNeonDb({ connectionString: services.databaseUrl, wsProxy: services.wsProxy, webSocketConstructor: ws });
  apiKey = (await bootstrapOrganization(handle.db, "worker test")).api_key;
  await handle.close();

  mf = new Miniflare({
    // Listed explicitly: miniflare then loads the bundle as is, as Workers would, without scanning its imports.
    modules: [{ type: "ESModule", path: join(outdir, bundle!), contents: readFileSync(join(outdir, bundle!), "utf8") }],
    modulesRoot: outdir,
    compatibilityDate: "2025-09-01",
    bindings: {
      DATABASE_URL: services.databaseUrl,
      NEON_WS_PROXY: services.wsProxy,
      PUBLIC_URL: "http://sluice.worker.test",
      QSTASH_TOKEN: "unused-in-this-test",
      QSTASH_URL: "http://127.0.0.1:9",
      QSTASH_CURRENT_SIGNING_KEY: "sig_worker_current",
      QSTASH_NEXT_SIGNING_KEY: "sig_worker_next",
      UPSTASH_REDIS_REST_URL: services.redisRestUrl,
      UPSTASH_REDIS_REST_TOKEN: services.redisRestToken,
      RATE_LIMIT_REQUESTS: "1000",
    },
  });
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  if (outdir && existsSync(outdir)) rmSync(outdir, { recursive: true, force: true });
});

describe("the Worker bundle in workerd", () => {
  it("serves /healthz with a real database round trip", async () => {
    const res = await mf.dispatchFetch("http://sluice.worker.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: "ok" });
  });

  it("authenticates against real Postgres, limits through Redis, and 401s a bad key", async () => {
    const ok = await mf.dispatchFetch("http://sluice.worker.test/v1/api-keys", { headers: { "X-API-Key": apiKey } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(ok.headers.get("ratelimit-limit")).toBe("1000");
    const bad = await mf.dispatchFetch("http://sluice.worker.test/v1/api-keys", { headers: { "X-API-Key": `slk_${"B".repeat(43)}` } });
    expect(bad.status).toBe(401);
  });
});
