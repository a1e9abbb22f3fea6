/**
 * PDF's decoding filters as streams of chunks, so their output can be counted (and given up) a
 * chunk at a time before pdf.js decodes a whole stream into one buffer. Each decodes as pdf.js
 * does (same end markers, same leniency); a stage that fails ends with what it gave, as pdf.js's does.
 */
export type Chunks = AsyncIterable<Uint8Array>;
export type Decoder = (input: Chunks, earlyChange: number) => Chunks;

/** Output is handed on in pieces of about this size, however much one input byte expands to. */
const PIECE = 64 * 1024;

/** Collects output bytes; `full` says when to hand a piece on. */
class Output {
  private buffer = new Uint8Array(PIECE + 4096);
  length = 0;
  get full() {
    return this.length >= PIECE;
  }
  push(byte: number) {
    if (this.length === this.buffer.length) this.grow();
    this.buffer[this.length++] = byte;
  }
  private grow() {
    const bigger = new Uint8Array(this.buffer.length * 2);
    bigger.set(this.buffer);
    this.buffer = bigger;
  }
  take(): Uint8Array {
    const piece = this.buffer.slice(0, this.length);
    this.length = 0;
    return piece;
  }
}

/** RunLengthDecode: a length byte, then that many bytes copied or one byte repeated; 128 ends it. */
async function* runLength(input: Chunks): Chunks {
  const out = new Output();
  let repeat = -1;
  let copy = 0;
  for await (const chunk of input) {
    for (const byte of chunk) {
      if (copy > 0) (out.push(byte), copy--);
      else if (repeat > 0) {
        for (let i = 0; i < repeat; i++) out.push(byte);
        repeat = -1;
      } else if (byte === 128) return yield out.take();
      else if (byte < 128) copy = byte + 1;
      else repeat = 257 - byte;
      if (out.full) yield out.take();
    }
  }
  yield out.take();
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;

/** ASCIIHexDecode: pairs of hex digits, anything else skipped, `>` ends it, an odd last digit padded with 0. */
async function* asciiHex(input: Chunks): Chunks {
  const out = new Output();
  let high = -1;
  read: for await (const chunk of input) {
    for (const c of chunk) {
      if (c === 0x3e) break read;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (digit < 0) continue;
      if (high < 0) high = digit;
      else (out.push((high << 4) | digit), (high = -1));
    }
    yield out.take();
  }
  if (high >= 0) out.push(high << 4);
  yield out.take();
}

/** ASCII85Decode: five characters to four bytes, `z` for four zeros, `~` ends it, a short last group gives one byte less than its length. */
async function* ascii85(input: Chunks): Chunks {
  const out = new Output();
  const group: number[] = [];
  const flush = () => {
    const n = group.length;
    while (group.length < 5) group.push(84);
    let value = 0;
    for (const digit of group) value = value * 85 + digit;
    for (let i = 0; i < n - 1; i++) out.push(Math.floor(value / 2 ** (24 - 8 * i)) & 0xff);
    group.length = 0;
  };
  read: for await (const chunk of input) {
    for (const c of chunk) {
      if (c === 0x7e) break read;
      if (isSpace(c)) continue;
      if (c === 0x7a && group.length === 0) for (let i = 0; i < 4; i++) out.push(0);
      else if ((group.push(c - 0x21), group.length === 5)) flush();
      if (out.full) yield out.take();
    }
  }
  if (group.length > 1) flush();
  yield out.take();
}

/** LZWDecode: 9- to 12-bit codes, 256 clears, 257 ends; `earlyChange` as the stream's DecodeParms say (default 1). */
async function* lzw(input: Chunks, earlyChange: number): Chunks {
  const out = new Output();
  const prefix = new Int32Array(4097);
  const suffix = new Uint8Array(4097);
  const lengths = new Int32Array(4097);
  for (let i = 0; i < 256; i++) (suffix[i] = i), (lengths[i] = 1);
  const sequence = new Uint8Array(4097);
  let next = 258;
  let width = 9;
  let previous = -1;
  let bits = 0;
  let held = 0;
  read: for await (const chunk of input) {
    for (const byte of chunk) {
      held = ((held << 8) | byte) & 0xffffff;
      bits += 8;
      if (bits < width) continue;
      const code = (held >>> (bits - width)) & ((1 << width) - 1);
      bits -= width;
      if (code === 257) break read;
      if (code === 256) {
        (next = 258), (width = 9), (previous = -1);
        continue;
      }
      let length: number;
      if (code < next) {
        length = lengths[code];
        for (let i = length - 1, at = code; i >= 0; i--, at = prefix[at]) sequence[i] = suffix[at];
      } else if (previous >= 0) {
        // A code being defined by this very step (KwKwK): the previous string and its own first byte.
        length = lengths[previous] + 1;
        for (let i = length - 2, at = previous; i >= 0; i--, at = prefix[at]) sequence[i] = suffix[at];
        sequence[length - 1] = sequence[0];
      } else break read; // a code not yet defined with nothing before it
      if (previous >= 0 && next < 4097) {
        (prefix[next] = previous), (suffix[next] = sequence[0]), (lengths[next] = lengths[previous] + 1);
        next++;
        if (next + earlyChange >= 1 << width && width < 12) width++;
      }
      previous = code;
      for (let i = 0; i < length; i++) out.push(sequence[i]);
      if (out.full) yield out.take();
    }
  }
  yield out.take();
}

/** Deflate can expand 1,032-fold: input goes in slices this small, so one slice's output is a few MB at most. */
const SLICE = 4 * 1024;

async function* sliced(input: Chunks): Chunks {
  for await (const chunk of input) for (let at = 0; at < chunk.length; at += SLICE) yield chunk.subarray(at, at + SLICE);
}

type Zlib = typeof import("node:zlib");
const nodeZlib = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule?.("node:zlib") as Zlib | undefined;

/** Node's zlib, read a chunk at a time; lenient at the end (a truncated stream gives what it has), as pdf.js is. */
async function* throughZlib(input: Chunks, decoder: import("node:stream").Transform): Chunks {
  void (async () => {
    for await (const chunk of sliced(input)) if (!decoder.write(chunk)) await new Promise((resolve) => decoder.once("drain", resolve));
    decoder.end();
  })().catch((error) => decoder.destroy(error));
  try {
    for await (const chunk of decoder) yield chunk as Uint8Array;
  } finally {
    decoder.destroy();
  }
}

/** A runtime without node:zlib (workerd): its DecompressionStream, if it has the format. */
async function* throughWeb(input: Chunks, format: string): Chunks {
  let transform: TransformStream<Uint8Array, Uint8Array>;
  try {
    transform = new DecompressionStream(format as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>;
  } catch {
    throw new UncountableFilter(`${format} streams`);
  }
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  void (async () => {
    for await (const chunk of sliced(input)) await writer.write(chunk);
    await writer.close();
  })().catch((error) => writer.abort(error).catch(() => undefined));
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

const flate = (input: Chunks) =>
  nodeZlib ? throughZlib(input, nodeZlib.createInflate({ finishFlush: nodeZlib.constants.Z_SYNC_FLUSH })) : throughWeb(input, "deflate");
const brotli = (input: Chunks) =>
  nodeZlib ? throughZlib(input, nodeZlib.createBrotliDecompress({ finishFlush: nodeZlib.constants.BROTLI_OPERATION_FLUSH })) : throughWeb(input, "brotli");

/** A filter pdf.js decodes that this runtime cannot count: the document cannot be bounded, so it is refused. */
export class UncountableFilter extends Error {}

/**
 * The filters that expand their input, by every name pdf.js accepts. Image codecs (DCT, JPX,
 * JBIG2, CCITTFax) are absent: pdf.js decodes those only to draw images, bounded by `maxImageSize`.
 */
export const DECODERS: Record<string, Decoder> = {
  FlateDecode: flate,
  LZWDecode: lzw,
  ASCII85Decode: ascii85,
  ASCIIHexDecode: asciiHex,
  RunLengthDecode: runLength,
  BrotliDecode: brotli,
};
for (const [short, long] of [["Fl", "FlateDecode"], ["LZW", "LZWDecode"], ["A85", "ASCII85Decode"], ["AHx", "ASCIIHexDecode"], ["RL", "RunLengthDecode"]]) {
  DECODERS[short] = DECODERS[long];
}
