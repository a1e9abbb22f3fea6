import { PermanentPhaseError } from "../model";
import type { ParseLimits } from "./limits";

const ascii = (text: string) => new TextEncoder().encode(text);
const STREAM = ascii("stream");
const END_STREAM = ascii("endstream");
const OBJ = ascii("obj");
const FLATE = "/FlateDecode";

/** Where `pattern` next occurs in `bytes` at or after `from`, or -1. */
function find(bytes: Uint8Array, pattern: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(pattern[0], from); i >= 0 && i <= bytes.length - pattern.length; i = bytes.indexOf(pattern[0], i + 1)) {
    let j = 1;
    while (j < pattern.length && bytes[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

/** Where `pattern` last occurs in `bytes` between `from` and `before`, or -1. */
function findBack(bytes: Uint8Array, pattern: Uint8Array, before: number, from: number): number {
  for (let i = before - pattern.length; i >= from; i--) {
    let j = 0;
    while (j < pattern.length && bytes[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

interface FlateStream {
  data: Uint8Array;
  /** How many times in a row the data was deflated (`/Filter [/FlateDecode /FlateDecode]`). */
  layers: number;
}

/** Every stream whose filters start with FlateDecode, found by its keywords (no object parsing). */
function* flateStreams(bytes: Uint8Array): Generator<FlateStream> {
  const text = new TextDecoder("latin1");
  for (let at = find(bytes, STREAM, 0); at >= 0; at = find(bytes, STREAM, at + STREAM.length)) {
    if (bytes[at - 3] === 0x65 && bytes[at - 2] === 0x6e && bytes[at - 1] === 0x64) continue; // "endstream"
    const objAt = findBack(bytes, OBJ, at, Math.max(0, at - 4096));
    if (objAt < 0) continue;
    const dict = text.decode(bytes.subarray(objAt, at));
    const filter = /\/Filter\s*(\[[^\]]*\]|\/\w+)/.exec(dict)?.[1] ?? "";
    const layers = filter.split(FLATE).length - 1;
    if (layers === 0 || !filter.replace(/^\[\s*/, "").startsWith(FLATE)) continue;
    let start = at + STREAM.length;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const end = find(bytes, END_STREAM, start);
    if (end < 0) return;
    yield { data: bytes.subarray(start, end), layers };
    at = end;
  }
}

/** Bytes a stream inflates to, counted in chunks and given up past `cap`; a corrupt stream counts what it gave. */
async function inflatedSize(stream: FlateStream, cap: number): Promise<number> {
  let readable = new Blob([stream.data as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>;
  for (let i = 0; i < stream.layers; i++) readable = readable.pipeThrough(new DecompressionStream("deflate") as unknown as TransformStream<Uint8Array, Uint8Array>);
  const reader = readable.getReader();
  let size = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      size += chunk.value.byteLength;
      if (size > cap) return size;
    }
  } catch {
    // pdf.js reads what a damaged stream yields; so does the count.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return size;
}

/**
 * Refuses a PDF whose Flate streams inflate past the limits (`decompression_limit`), before
 * pdf.js inflates any of them: a few KB compressed twice can expand to gigabytes.
 */
export async function checkDecompression(bytes: Uint8Array, limits: ParseLimits): Promise<void> {
  let total = 0;
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  for (const stream of flateStreams(bytes)) {
    const size = await inflatedSize(stream, Math.min(limits.maxStreamBytes, limits.maxDecompressedBytes - total) + 1);
    if (size > limits.maxStreamBytes) {
      throw new PermanentPhaseError("decompression_limit", `a PDF stream inflates past ${mib(limits.maxStreamBytes)} (the per-stream limit)`);
    }
    total += size;
    if (total > limits.maxDecompressedBytes) {
      throw new PermanentPhaseError("decompression_limit", `the PDF's streams inflate past ${mib(limits.maxDecompressedBytes)} together (the per-document limit)`);
    }
  }
}
