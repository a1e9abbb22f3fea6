/**
 * Hostile documents against the composed app (issue #27): while a set of hostile files is parsed,
 * one at a time so each figure can be put down to its file
 * (a million unclosed tags, a twice-deflated stream bomb, JSON nested a million deep, an amplifying
 * expression), the worst /healthz latency and the worst growth of this process's RSS, each next to
 * its bound (ratio = value / bound); and another tenant's one-document run during a burst of the
 * first tenant's runs, next to the same run on an idle service.
 */
import { deflateSync } from "node:zlib";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { bootstrapOrganization } from "../src/bootstrap";
import { benchApp, embeddedDb, report, round } from "./bench/targets";

const HEALTH_BOUND_MS = 1000;
const RSS_BOUND_MB = 250;

async function streamBomb(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([595, 842]);
  page.drawText("Total: 1.00", { x: 50, y: 780, size: 12, font: await pdf.embedFont(StandardFonts.Helvetica) });
  const bomb = deflateSync(deflateSync(new Uint8Array(256 * 1024 * 1024), { level: 9 }), { level: 9 });
  page.node.set(PDFName.of("Contents"), pdf.context.obj([pdf.context.register(pdf.context.stream(bomb, { Filter: ["FlateDecode", "FlateDecode"] }))]));
  return pdf.save();
}

const text = (s: string) => new TextEncoder().encode(s);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fields = [{ name: "total", type: "string", extract: [{ type: "label", labels: ["Total"] }] }];
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];

const handle = await embeddedDb();
const { app, services, call } = await benchApp(handle.handle);
const other = await bootstrapOrganization(services.db, "other tenant");
const otherCall = (path: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { "X-API-Key": other.api_key, "content-type": "application/json" } });

async function finish(caller: typeof call, body: unknown): Promise<number> {
  const started = performance.now();
  const { id } = await (await caller("/v1/pipelines", { method: "POST", body: JSON.stringify(body) })).json();
  for (;;) {
    const run = await (await caller(`/v1/pipelines/${id}`)).json();
    if (run.status !== "running") return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const hostile = [
  { content_base64: b64(text(`<html><body>${"<div><span>".repeat(500_000)}</body></html>`)), filename: "deep.html" },
  { content_base64: b64(await streamBomb()), filename: "bomb.pdf" },
  { content_base64: b64(text(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`)), filename: "deep.json" },
];
const amplify = [...fields, ...Array.from({ length: 12 }, (_, i) => ({ name: `pad${i}`, type: "string", expression: `$pad("", 999000, "é")` }))];

/** Probes /healthz every 50 ms and samples RSS until stopped: the slowest answer and the peak RSS. */
function watch() {
  let worst = 0;
  let peak = process.memoryUsage.rss();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const started = performance.now();
      await app.request("http://sluice.bench/healthz");
      worst = Math.max(worst, performance.now() - started);
      peak = Math.max(peak, process.memoryUsage.rss());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    watching = false;
    await watcher;
    return { worst, peak };
  };
}

// One file at a time, so the worst answer and the memory can be put down to a file of the set.
const rss0 = process.memoryUsage.rss();
const steps: Array<{ name: string; worst: number; growth: number }> = [];
for (const [name, body] of [
  ...hostile.map((document) => [document.filename, { fields, phases, documents: [document] }] as const),
  ["12 padding expressions", { fields: amplify, phases, documents: [{ text: "Total: 1" }] }] as const,
]) {
  const stop = watch();
  await finish(call, body);
  const { worst, peak } = await stop();
  steps.push({ name, worst, growth: (peak - rss0) / 1024 / 1024 });
}
const worst = Math.max(...steps.map((step) => step.worst));
const growth = Math.max(...steps.map((step) => step.growth));

const one = { fields, phases, documents: [{ text: "Total: 1" }] };
const idle = await finish(otherCall, one);
const burst = Array.from({ length: 20 }, () => call("/v1/pipelines", {
  method: "POST", body: JSON.stringify({ fields, phases, documents: Array.from({ length: 10 }, (_, i) => ({ text: `Total: ${i}` })) }),
}));
await Promise.all(burst);
const during = await finish(otherCall, one);

report("hostile", [
  { metric: "worst /healthz latency during the hostile set", value: round(worst), unit: "ms", reference: "bound", referenceValue: HEALTH_BOUND_MS },
  { metric: "worst RSS growth during the hostile set", value: round(growth), unit: "MB", reference: "bound", referenceValue: RSS_BOUND_MB },
  ...steps.flatMap((step) => [
    { metric: `worst /healthz latency during ${step.name}`, value: round(step.worst), unit: "ms", reference: "bound", referenceValue: HEALTH_BOUND_MS },
    { metric: `RSS growth by the end of ${step.name}`, value: round(step.growth), unit: "MB", reference: "bound", referenceValue: RSS_BOUND_MB },
  ]),
  { metric: "other tenant's 1-document run during a 200-document burst", value: round(during), unit: "ms", reference: "same run, idle", referenceValue: round(idle) },
]);
process.exit(0);
