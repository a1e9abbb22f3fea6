import { deflateSync } from "node:zlib";
import { PDFDocument, PDFName, StandardFonts, type PDFRef } from "pdf-lib";
import type { TestApp } from "./harness";

/**
 * Watches the app while something hostile runs: `/healthz` asked every 50 ms (the slowest answer
 * kept, answers other than 200 counted) and the process's resident memory sampled (the largest growth over the start kept).
 */
export function watchService(t: TestApp) {
  const rssAtStart = process.memoryUsage.rss();
  let worstMs = 0;
  let peakRss = rssAtStart;
  let running = true;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await t.app.request("http://sluice.test/healthz");
      if (res.status !== 200) failures++;
      worstMs = Math.max(worstMs, performance.now() - started);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { worstHealthMs: worstMs, rssGrowthMb: (peakRss - rssAtStart) / 1024 / 1024, failures };
  };
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

/** A run of one document given as base64; resolves to its error (or undefined) once the queue is idle. */
export async function runOne(t: TestApp, bytes: Uint8Array, meta: { filename: string; mime_type?: string }) {
  const res = await t.request("/v1/pipelines", {
    method: "POST",
    json: {
      fields: [{ name: "total", type: "string", extract: [{ type: "label", labels: ["Total"] }] }],
      phases: [{ type: "transfer" }, { type: "extraction" }],
      documents: [{ content_base64: base64(bytes), ...meta }],
    },
  });
  if (res.status !== 202) throw new Error(`run refused: ${res.status} ${await res.text()}`);
  const { id } = await res.json();
  await t.embeddedQueue!.idle();
  const records = await (await t.request(`/v1/pipelines/${id}/records`)).json();
  return { id, errors: records.errors as Array<{ code: string; attempts: number; message: string }> };
}

/** A one-page PDF whose content stream is `size` zero bytes deflated `layers` times (a few KB on disk). */
export async function streamBomb(size: number, layers = 2, streams = 1): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText("Total: 1.00", { x: 50, y: 780, size: 12, font });
  let data: Uint8Array = new Uint8Array(size);
  for (let i = 0; i < layers; i++) data = deflateSync(data, { level: 9 });
  const filter = Array.from({ length: layers }, () => "FlateDecode");
  const bombs: PDFRef[] = [];
  for (let i = 0; i < streams; i++) bombs.push(pdf.context.register(pdf.context.stream(data, { Filter: filter })));
  const contents = page.node.get(PDFName.of("Contents"));
  page.node.set(PDFName.of("Contents"), pdf.context.obj([...bombs, ...(contents ? [contents] : [])]));
  return pdf.save();
}

/** A PDF whose page tree lists itself as its own kid: reading any page can never succeed. */
export async function circularPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText("Total: 1.00");
  const pagesRef = pdf.catalog.get(PDFName.of("Pages")) as PDFRef;
  pdf.catalog.Pages().set(PDFName.of("Kids"), pdf.context.obj([pagesRef]));
  return pdf.save({ useObjectStreams: false });
}

/** `pages` pages, each `lines` lines of ten short words: dense, plain, inside every size limit. */
export async function densePdf(pages: number, lines: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = pdf.addPage([595, 842]);
    for (let l = 0; l < lines; l++) {
      page.drawText(Array.from({ length: 10 }, (_, w) => `w${p}x${l}x${w}`).join(" "), { x: 20, y: 820 - l * 9, size: 7, font });
    }
  }
  return pdf.save();
}
