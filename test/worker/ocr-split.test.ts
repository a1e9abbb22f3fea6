import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import ws from "ws";
import { bootstrapOrganization } from "../../src/bootstrap";
import { loadConfig } from "../../src/config";
import { createNeonDb } from "../../src/db/neon";
import { silentLogger } from "../../src/logger";
import { signDelivery } from "../../src/adapters/queue/signature";
import { compose, type Composition } from "../../src/entry/compose";
import { startFakeQstash } from "../support/fake-qstash";
import { linesAt, png, render } from "../support/scans";

/**
 * The edge split for real: the Worker bundle in workerd takes a scan, QStash (a local stand-in that signs
 * as QStash does) delivers its transfer phase to a Node deployment of the app on the same Postgres, which
 * OCRs it and hands the next phase back to the Worker, which finishes the run.
 */
const KEYS = { QSTASH_CURRENT_SIGNING_KEY: "sig_split_current", QSTASH_NEXT_SIGNING_KEY: "sig_split_next" };
const [EDGE, BARE, READER] = ["http://edge.test", "http://bare.test", "http://reader.test"];
let outdir: string;
let bundle: string;
let edge: Miniflare;
let bare: Miniflare;
let reader: Composition;
let qstash: Awaited<ReturnType<typeof startFakeQstash>>;
let apiKey: string;

const viaMiniflare = (mf: () => Miniflare) => async (req: Request) =>
  (await mf().dispatchFetch(req.url, { method: req.method, headers: Object.fromEntries(req.headers), body: await req.text() })) as unknown as Response;

beforeAll(async () => {
  const services = inject("services");
  outdir = inject("workerBundle"); // built once per run by test/support/global-worker-bundle.ts
  const files = readdirSync(outdir).filter((f) => /\.m?js$/.test(f)).sort((a, b) => Number(b === "worker.js") - Number(a === "worker.js"));
  const modules = files.map((f) => ({ type: "ESModule" as const, path: join(outdir, f), contents: readFileSync(join(outdir, f), "utf8") }));
  bundle = modules.map((m) => m.contents).join("\n");

  qstash = await startFakeQstash({
    signingKey: KEYS.QSTASH_CURRENT_SIGNING_KEY,
    route: (url) => (url.startsWith(READER) ? async (req) => reader.app.fetch(req) : viaMiniflare(() => (url.startsWith(EDGE) ? edge : bare))),
  });
  const db = { DATABASE_URL: services.databaseUrl, NEON_WS_PROXY: services.wsProxy, QSTASH_TOKEN: "t", QSTASH_URL: qstash.url, ...KEYS };
  const worker = (bindings: Record<string, string>) =>
    new Miniflare({ modules, modulesRoot: outdir, compatibilityDate: "2025-09-01", bindings: { ...db, RATE_LIMIT_REQUESTS: "1000", ...bindings } });
  edge = worker({ PUBLIC_URL: EDGE, READER_URL: READER });
  bare = worker({ PUBLIC_URL: BARE });
  // The reader: the Node app whose queue delivers to the Worker (its PUBLIC_URL is the Worker's).
  const handle = createNeonDb({ connectionString: services.databaseUrl, wsProxy: services.wsProxy, webSocketConstructor: ws });
  reader = compose(loadConfig({ PUBLIC_URL: EDGE, QSTASH_TOKEN: "t", QSTASH_URL: qstash.url, ...KEYS }), handle, {
    logger: silentLogger, limiterPrefix: `split:${crypto.randomUUID()}`,
  });
  apiKey = (await bootstrapOrganization(reader.services.db, "split test")).api_key;
}, 120_000);

afterAll(async () => {
  await qstash?.close();
  await edge?.dispose();
  await bare?.dispose();
  await reader?.close();
});

const fields = [
  { name: "number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
  { name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] },
];

async function runOn(mf: Miniflare, base: string, scan: Uint8Array) {
  const call = async (path: string, body?: unknown) => {
    const res = await mf.dispatchFetch(`${base}${path}`, {
      method: body ? "POST" : "GET", headers: { "X-API-Key": apiKey, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    expect(res.status, text).toBeLessThan(300);
    return JSON.parse(text);
  };
  const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];
  const run = await call("/v1/pipelines", { fields, phases, documents: [{ id: "scan", content_base64: Buffer.from(scan).toString("base64") }] });
  for (let waited = 0; (await call(`/v1/pipelines/${run.id}`)).status === "running"; waited += 200) {
    expect(waited).toBeLessThan(60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return call(`/v1/pipelines/${run.id}/records`);
}

describe("OCR at the edge: the Worker hands scans to the Node reader", () => {
  it("keeps OCR out of the Worker bundle", () => {
    expect(bundle).not.toMatch(/tesseract|ocr-thread/i);
  });

  it("reads a scanned PNG: the reader OCRs the transfer phase, the Worker runs the rest, each phase once", async () => {
    const scan = png(await render(linesAt(["ACME Ltd", "Invoice No: INV-4410", "Total: 318.75"])));
    const records = await runOn(edge, EDGE, scan);
    const { number, total } = records.records[records.order[0]].fields;
    expect([number.value, total.value]).toEqual(["INV-4410", 318.75]);
    expect(total.meta.provenance.ocr_confidence).toBeGreaterThan(0.5);

    const phaseOf = (d: { body: string }) => JSON.parse(d.body).phase_index;
    // Phase deliveries only: the finished run's events message is delivered to the Worker too.
    const ok = qstash.delivered.filter((d) => d.status === 200 && JSON.parse(d.body).type === "phase");
    expect(ok.map((d) => [new URL(d.url).origin, phaseOf(d)])).toEqual([[EDGE, 0], [READER, 0], [EDGE, 1], [EDGE, 2]]);
    // A late duplicate of the transfer message (at-least-once delivery) has no effect anywhere.
    const replay = qstash.delivered[0];
    const again = await viaMiniflare(() => edge)(new Request(replay.url, { method: "POST", body: replay.body, headers: await signed(replay) }));
    expect(await again.json()).toMatchObject({ effect: "none", reason: "duplicate or late delivery" });
  }, 90_000);

  it("does not hand off a sync run, which reads inline: the error says how to have the reader read it", async () => {
    const scan = Buffer.from(png(await render(linesAt(["Total: 4.00"])))).toString("base64");
    const res = await edge.dispatchFetch(`${EDGE}/v1/pipelines/sync`, {
      method: "POST", headers: { "X-API-Key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ fields, phases: [{ type: "transfer" }, { type: "extraction" }], documents: [{ content_base64: scan }] }),
    });
    const { errors } = (await res.json()) as { errors: Array<{ code: string; message: string }> };
    expect(errors.map((e) => e.code)).toEqual(["ocr_unavailable"]);
    expect(errors[0].message).toMatch(/without \/sync/);
  });

  it("without READER_URL ends the scan in ocr_unavailable naming the setting", async () => {
    const records = await runOn(bare, BARE, png(await render(linesAt(["Total: 3.00"]))));
    expect(records.errors).toHaveLength(1);
    expect(records.errors[0].code).toBe("ocr_unavailable");
    expect(records.errors[0].message).toMatch(/READER_URL/);
  }, 60_000);
});

async function signed(d: { url: string; body: string }) {
  return { "Upstash-Signature": await signDelivery({ signingKey: KEYS.QSTASH_CURRENT_SIGNING_KEY, rawBody: d.body, url: d.url }), "content-type": "application/json" };
}
