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
  let answered = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const res = await t.app.request("http://sluice.test/healthz");
      if (res.status !== 200) failures++;
      else answered++;
      worstMs = Math.max(worstMs, performance.now() - started);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { worstHealthMs: worstMs, rssGrowthMb: (peakRss - rssAtStart) / 1024 / 1024, failures, answered };
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

/** ASCII85 of `bytes` (`z` for a group of zeros, `~>` at the end), as a PDF writer encodes it. */
export function ascii85(bytes: Uint8Array): Uint8Array {
  let text = "";
  for (let at = 0; at < bytes.length; at += 4) {
    const group = bytes.subarray(at, at + 4);
    let value = 0;
    for (let i = 0; i < 4; i++) value = value * 256 + (group[i] ?? 0);
    if (group.length === 4 && value === 0) {
      text += "z";
      continue;
    }
    const digits: string[] = [];
    for (let i = 0; i < 5; i++, value = Math.floor(value / 85)) digits.unshift(String.fromCharCode(33 + (value % 85)));
    text += digits.slice(0, group.length + 1).join("");
  }
  return new TextEncoder().encode(`${text}~>`);
}

/**
 * `size` zero bytes LZW-encoded (9–12-bit codes, EarlyChange 1): each code names a run one byte
 * longer than the last, and a clear code starts over before the table is full — about 6 KB per 7 MB.
 */
export function lzwZeros(size: number): Uint8Array {
  const out: number[] = [];
  let held = 0;
  let bits = 0;
  let width = 9;
  const emit = (code: number) => {
    held = (held << width) | code;
    bits += width;
    while (bits >= 8) out.push((held >>> (bits -= 8)) & 0xff);
    held &= (1 << bits) - 1;
  };
  for (let total = 0; total < size; ) {
    emit(0);
    total++;
    for (let code = 258; code < 4000 && total < size; code++) {
      emit(code);
      total += code - 256;
      if (code + 2 >= 1 << width) width++; // the table now ends at code + 1; EarlyChange widens one early
    }
    emit(256);
    width = 9;
  }
  emit(257);
  if (bits > 0) out.push((held << (8 - bits)) & 0xff);
  return Uint8Array.from(out);
}

/** RunLength-encoded zeros: each two bytes say "128 zeros" (64× on disk, no Flate anywhere). */
export function runLengthZeros(size: number): Uint8Array {
  const runs = Math.ceil(size / 128);
  const out = new Uint8Array(runs * 2 + 1);
  for (let i = 0; i < runs; i++) out[i * 2] = 129;
  out[runs * 2] = 128;
  return out;
}

/** A one-page PDF whose page also draws `data` as a content stream with the given filters (a bomb, or real text). */
export async function filteredPdf(data: Uint8Array, filters: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  page.drawText("Total: 1.00", { x: 50, y: 780, size: 12, font });
  const stream = pdf.context.register(pdf.context.stream(data, { Filter: filters }));
  const contents = page.node.get(PDFName.of("Contents"));
  page.node.set(PDFName.of("Contents"), pdf.context.obj([...(contents ? [contents] : []), stream]));
  return pdf.save();
}
