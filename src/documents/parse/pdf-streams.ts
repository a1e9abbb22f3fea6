import { PermanentPhaseError } from "../model";
import type { ParseLimits } from "./limits";
import { DECODERS, UncountableFilter, type Chunks } from "./pdf-filters";
import { isName, PdfText, type PdfValue } from "./pdf-objects";

interface PdfStream {
  data: Uint8Array;
  /** The stream's filters in the order pdf.js applies them, with the DecodeParms each is given. */
  filters: Array<{ name: string; params: PdfValue | undefined }>;
}

const asArray = (value: PdfValue | undefined): PdfValue[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/**
 * Every stream object in the file, found by its `stream` keyword and read as pdf.js reads it:
 * the dictionary of the object it closes, `/Length` (direct or resolved) when `endstream` follows
 * it, else up to the next `endstream`. A length that cannot be resolved gives the filters the rest
 * of the file: each stops at its own end marker, so the count is never less than pdf.js's.
 */
function* streamsOf(bytes: Uint8Array, pdf: PdfText): Generator<PdfStream> {
  const text = pdf.text;
  for (let at = text.indexOf("stream"); at >= 0; at = text.indexOf("stream", at + 6)) {
    if (text.startsWith("end", at - 3)) continue;
    const header = pdf.headerBefore(at);
    const dict = header < 0 ? undefined : pdf.valueAt(header);
    if (!dict || !(dict.value instanceof Map) || dict.end !== at) continue;
    let start = at + 6;
    if (text[start] === "\r") start++;
    if (text[start] === "\n") start++;
    const end = dataEnd(pdf, dict.value, start);
    const get = (long: string, short: string) => pdf.resolve(dict.value instanceof Map ? (dict.value.get(long) ?? dict.value.get(short)) : undefined);
    const names = asArray(get("Filter", "F")).map((name) => pdf.resolve(name));
    const params = asArray(get("DecodeParms", "DP")).map((param) => pdf.resolve(param));
    const filters = names.map((name, i) => ({ name: isName(name) ? name.name : "", params: params[i] }));
    yield { data: bytes.subarray(start, end < 0 ? bytes.length : end), filters };
    if (end >= 0) at = end;
  }
}

/** Where the stream's data ends as pdf.js sees it, or -1 if its length is unknown (the filters then decide). */
function dataEnd(pdf: PdfText, dict: Map<string, PdfValue>, start: number): number {
  const length = pdf.resolve(dict.get("Length"));
  if (typeof length === "number" && Number.isInteger(length) && length >= 0) {
    const after = /^\s*endstream/.exec(pdf.text.slice(start + length, start + length + 64));
    if (after) return start + length;
  }
  if (dict.get("Length") !== undefined && length === undefined) return -1;
  return pdf.text.indexOf("endstream", start);
}

async function* whole(data: Uint8Array): Chunks {
  for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
}

/** A stage that fails (corrupt data) ends with what it gave, as pdf.js's decoders do. */
async function* lenient(input: Chunks): Chunks {
  try {
    yield* input;
  } catch (error) {
    if (error instanceof PermanentPhaseError || error instanceof UncountableFilter) throw error;
  }
}

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

/** Counts every stage's output of one stream against the per-stream cap and what is left of the document's. */
class Counter {
  total = 0;
  constructor(private readonly limits: ParseLimits) {}

  async *counted(input: Chunks, stream: { size: number }): Chunks {
    for await (const chunk of input) {
      stream.size += chunk.byteLength;
      this.total += chunk.byteLength;
      if (stream.size > this.limits.maxStreamBytes) {
        throw new PermanentPhaseError("decompression_limit", `a PDF stream decodes past ${mib(this.limits.maxStreamBytes)} (the per-stream limit)`);
      }
      if (this.total > this.limits.maxDecompressedBytes) {
        throw new PermanentPhaseError("decompression_limit", `the PDF's streams decode past ${mib(this.limits.maxDecompressedBytes)} together (the per-document limit)`);
      }
      yield chunk;
    }
  }
}

/** The stream through its filters, each stage's output counted, up to the first filter that does not expand (an image codec). */
async function decode(stream: PdfStream, counter: Counter): Promise<void> {
  let chunks: Chunks | null = null;
  const size = { size: 0 };
  for (const { name, params } of stream.filters) {
    const decoder = DECODERS[name];
    if (!decoder) break;
    const early = params instanceof Map ? pdfEarlyChange(params.get("EarlyChange")) : 1;
    chunks = counter.counted(lenient(decoder(chunks ?? whole(stream.data), early)), size);
  }
  if (chunks) for await (const piece of chunks) void piece; // counting is the point; the bytes are dropped
}

const pdfEarlyChange = (value: PdfValue | undefined) => (value === 0 ? 0 : 1);

/**
 * Refuses a PDF whose streams decode past the limits (`decompression_limit`) before pdf.js
 * decodes any of them: a few KB compressed twice, or run through LZW, RunLength or ASCII85 in any
 * order, can expand to gigabytes. Every expanding filter's output is counted, stage by stage (pdf.js
 * holds each stage's output whole), a piece at a time. An encrypted PDF's streams are counted as
 * stored (see README §Limits).
 */
export async function checkDecompression(bytes: Uint8Array, limits: ParseLimits): Promise<void> {
  const pdf = new PdfText(new TextDecoder("latin1").decode(bytes));
  const counter = new Counter(limits);
  for (const stream of streamsOf(bytes, pdf)) {
    try {
      await decode(stream, counter);
    } catch (error) {
      if (!(error instanceof UncountableFilter)) throw error;
      throw new PermanentPhaseError("decompression_limit", `the PDF uses ${error.message}, whose output cannot be bounded here`);
    }
  }
}
