import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { invoiceDocx, invoiceEml, invoiceMsg, invoicePptx, workbookXlsx } from "../support/office-fixtures";
import ws from "ws";
import { bootstrapOrganization } from "../../src/bootstrap";
import { createNeonDb } from "../../src/db/neon";
import { makePdf } from "../support/documents";

let mf: Miniflare;
let unconfigured: Miniflare;
let outdir: string;
let apiKey: string;
let files: string[];

/** The Worker bundle exactly as `wrangler deploy --dry-run` builds it, run inside workerd. */
beforeAll(async () => {
  const services = inject("services");
  outdir = inject("workerBundle"); // built once per run by test/support/global-worker-bundle.ts
  // The entry, and beside it pdf.js, SheetJS and the Office and e-mail parsers as modules of their own (each imported on first use).
  files = readdirSync(outdir, { recursive: true, encoding: "utf8" }).filter((f) => /\.m?js$/.test(f)).sort((a, b) => Number(b === "worker.js") - Number(a === "worker.js"));
  expect([...files].sort()).toEqual(["pdfjs.mjs", "vendor/mammoth.mjs", "vendor/msgreader.mjs", "vendor/postal-mime.mjs", "worker.js", "xlsx.mjs"]);
  // Listed explicitly: miniflare then loads the modules as they are, as Workers would, without scanning their imports.
  const modules = files.map((f) => ({ type: "ESModule" as const, path: join(outdir, f), contents: readFileSync(join(outdir, f), "utf8") }));

  const handle = createNeonDb({ connectionString: services.databaseUrl, wsProxy: services.wsProxy, webSocketConstructor: ws });
  apiKey = (await bootstrapOrganization(handle.db, "worker test")).api_key;
  await handle.close();

  // What `wrangler dev` gives a checkout with no .dev.vars: only wrangler.toml's [vars].
  unconfigured = new Miniflare({ modules, modulesRoot: outdir, compatibilityDate: "2025-09-01", bindings: { RATE_LIMIT_REQUESTS: "600" } });
  mf = new Miniflare({
    modules,
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
  await unconfigured?.dispose();
});

describe("the Worker bundle in workerd", () => {
  it("serves /healthz with a real database round trip", async () => {
    const res = await mf.dispatchFetch("http://sluice.worker.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: "ok" });
  });

  it("answers every route with a 503 envelope naming the missing settings when it has none, no stack trace", async () => {
    for (const [method, path] of [["GET", "/healthz"], ["GET", "/openapi.json"], ["POST", "/v1/pipelines"], ["GET", "/no-such-path"]]) {
      const res = await unconfigured.dispatchFetch(`http://sluice.worker.test${path}`, { method, body: method === "POST" ? "{}" : undefined });
      expect([path, res.status, res.headers.get("content-type")]).toEqual([path, 503, "application/json"]);
      const body = (await res.json()) as { error: { code: string; message: string; request_id: string; details: { missing: string[] } } };
      expect(body.error.code).toBe("service_unavailable");
      expect(body.error.request_id).toBe(res.headers.get("X-Request-Id"));
      expect(body.error.details.missing).toEqual(["DATABASE_URL", "QSTASH_TOKEN", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"]);
      expect(body.error.message).toMatch(/^the Worker is not configured: set DATABASE_URL, QSTASH_TOKEN, /);
      expect(body.error.message).not.toMatch(/\bat \S+ \(/);
    }
  });

  it("serves the OpenAPI document, whose schema converters load inside workerd", async () => {
    const res = await mf.dispatchFetch("http://sluice.worker.test/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/v1/pipelines/{id}/rerun");
  });

  it("runs every phase inline (sync), PDF parsing and expressions included, on real Postgres", async () => {
    const pdf = await makePdf([["Invoice No: W-1"], ["Subtotal: 10.00", "Tax: 1.90"]]);
    const res = await mf.dispatchFetch("http://sluice.worker.test/v1/pipelines/sync", {
      method: "POST",
      headers: { "X-API-Key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        fields: [
          { name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
          { name: "subtotal", type: "number", extract: [{ type: "label", labels: ["Subtotal"] }] },
          { name: "tax", type: "number", extract: [{ type: "label", labels: ["Tax"] }] },
          { name: "total", type: "number", expression: "subtotal + tax" },
        ],
        phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
        documents: [{ content_base64: Buffer.from(pdf).toString("base64"), filename: "w.pdf" }],
      }),
    });
    expect(res.status).toBe(200);
    const records = (await res.json()) as { order: string[]; records: Record<string, { fields: Record<string, { value: unknown }> }> };
    const fields = records.records[records.order[0]].fields;
    expect([fields.number.value, fields.total.value]).toEqual(["W-1", 11.9]);
  });

  it("parses Word, PowerPoint, Excel and e-mail inside workerd (mammoth, SheetJS, postal-mime, msgreader loaded lazily)", async () => {
    const pdf = await makePdf([["Invoice No: W-2"]]);
    const inputs = [
      { bytes: await invoiceDocx("W-DOCX"), field: { type: "label", labels: ["Invoice No"] }, expected: "W-DOCX" },
      { bytes: await invoicePptx(), field: { type: "label", labels: ["Invoice No"] }, expected: "INV-2041" },
      { bytes: await workbookXlsx(), field: { type: "table", column: "Customer", row: 1 }, expected: "Initech" },
      { bytes: await invoiceEml([{ filename: "w.pdf", content: pdf, contentType: "application/pdf" }]), field: { type: "label", labels: ["Subject"] }, expected: "Invoices INV-1 and INV-2" },
      {
        bytes: invoiceMsg({
          subject: "Invoice W-MSG", senderName: "Acme", senderEmail: "billing@acme.example", to: { name: "AP", email: "ap@globex.example" },
          sent: new Date(Date.UTC(2026, 10, 30)), body: "Total due: 12.00 EUR", attachment: { filename: "w.pdf", mimeType: "application/pdf", content: pdf },
        }),
        field: { type: "label", labels: ["Subject"] }, expected: "Invoice W-MSG",
      },
    ];
    for (const input of inputs) {
      const res = await mf.dispatchFetch("http://sluice.worker.test/v1/pipelines/sync", {
        method: "POST",
        headers: { "X-API-Key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          fields: [{ name: "value", type: "string", extract: [input.field] }],
          phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
          documents: [{ content_base64: Buffer.from(input.bytes).toString("base64") }],
        }),
      });
      const body = await res.text();
      expect(res.status, body).toBe(200);
      const records = JSON.parse(body) as { order: string[]; records: Record<string, { fields: Record<string, { value: unknown }> }> };
      expect(records.records[records.order[0]].fields.value.value).toBe(input.expected);
    }
  });

  it("authenticates against real Postgres, limits through Redis, and 401s a bad key", async () => {
    const ok = await mf.dispatchFetch("http://sluice.worker.test/v1/api-keys", { headers: { "X-API-Key": apiKey } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(ok.headers.get("ratelimit-limit")).toBe("1000");
    const bad = await mf.dispatchFetch("http://sluice.worker.test/v1/api-keys", { headers: { "X-API-Key": `slk_${"B".repeat(43)}` } });
    expect(bad.status).toBe(401);
  });

  it("answers concurrent requests from one app per isolate, each on its own database pool", async () => {
    // The pool of a request closes once its body is sent; a pool shared by mistake would fail the others.
    const list = () => mf.dispatchFetch("http://sluice.worker.test/v1/api-keys", { headers: { "X-API-Key": apiKey } });
    const responses = await Promise.all(Array.from({ length: 8 }, list));
    const bodies = await Promise.all(responses.map(async (res) => [res.status, ((await res.json()) as { items: unknown[] }).items.length]));
    expect(bodies).toEqual(Array.from({ length: 8 }, () => [200, 1]));
  });

  it("fires a due schedule from the cron trigger's scheduled handler", async () => {
    const call = (path: string, json?: unknown) => mf.dispatchFetch(`http://sluice.worker.test${path}`, {
      method: json ? "POST" : "GET",
      headers: { "X-API-Key": apiKey, "content-type": "application/json" },
      body: json ? JSON.stringify(json) : undefined,
    });
    const run = (await (await call("/v1/pipelines/sync", {
      fields: [{ name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] }],
      phases: [{ type: "transfer" }, { type: "extraction" }],
      documents: [{ text: "Invoice No: S-1" }],
    })).json()) as { id: string };
    const schedule = (await (await call("/v1/schedules", { pipeline_id: run.id, cron: "0 0 1 1 *", from_phase: "extraction" })).json()) as { id: string };
    const handle = createNeonDb({ connectionString: inject("services").databaseUrl, wsProxy: inject("services").wsProxy, webSocketConstructor: ws });
    await handle.db.updateTable("schedules").set({ next_run_at: new Date(Date.now() - 60_000) }).where("id", "=", schedule.id).execute();
    await handle.close();

    // Resolves once the handler's waitUntil work is done. Publishing to the unreachable QStash fails; the sweep would recover it.
    // Miniflare's Fetcher type omits scheduled(), which its workerd fetcher does have.
    const worker = (await mf.getWorker()) as unknown as { scheduled(event: { cron: string }): Promise<{ outcome: string }> };
    const result = await worker.scheduled({ cron: "* * * * *" });
    expect(result.outcome).toBe("ok");
    const detail = (await (await call(`/v1/schedules/${schedule.id}`)).json()) as { next_run_at: string; ticks: Array<{ outcome: string; detail: string }> };
    expect(detail.ticks).toEqual([expect.objectContaining({ outcome: "fired", detail: "1 documents enqueued" })]);
    expect(new Date(detail.next_run_at).getTime()).toBeGreaterThan(Date.now());
    expect(((await (await call(`/v1/pipelines/${run.id}`)).json()) as { generation: number }).generation).toBe(2);
  });
});
