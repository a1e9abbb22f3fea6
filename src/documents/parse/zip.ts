import { Inflate } from "fflate";
import { PermanentPhaseError } from "../model";

/**
 * A ZIP archive read from its central directory, each entry inflated on demand within limits: an
 * entry whose declared size or whose actual output passes the limit is refused while inflating (the
 * inflater is fed small chunks and stopped), so a ZIP bomb never costs more than the limit in memory.
 */
export interface ZipLimits {
  /** Bytes one entry may inflate to. */
  entryBytes: number;
  /** Bytes all entries read from one archive may inflate to together. */
  totalBytes: number;
  /** Entries in the central directory. */
  entries: number;
}

/** 32 MiB an entry, 128 MiB an archive, 50,000 entries: far above real Office files, far below the memory of a worker. */
export const ZIP_LIMITS: ZipLimits = { entryBytes: 32 * 2 ** 20, totalBytes: 128 * 2 ** 20, entries: 50_000 };

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const CHUNK = 16 * 1024; // deflate's output is at most ~1032× its input: one chunk inflates to ≤ 17 MB
const invalid = (why: string) => new PermanentPhaseError("invalid_document", `the file is not a readable ZIP archive: ${why}`);
export const tooLarge = (why: string) => new PermanentPhaseError("archive_too_large", why);

export const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

export class ZipArchive {
  private readonly entries = new Map<string, Entry>();
  private inflated = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ZipLimits = ZIP_LIMITS,
  ) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = findEndOfDirectory(bytes, view);
    const count = view.getUint16(end + 10, true);
    let at = view.getUint32(end + 16, true);
    if (count > limits.entries) throw tooLarge(`the archive has ${count} entries; the limit is ${limits.entries}`);
    for (let i = 0; i < count; i++) {
      if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw invalid("central directory truncated");
      const nameLength = view.getUint16(at + 28, true);
      const entry: Entry = {
        name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
        flags: view.getUint16(at + 8, true),
        method: view.getUint16(at + 10, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localOffset: view.getUint32(at + 42, true),
      };
      this.entries.set(entry.name, entry);
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes, or null when the archive has no such entry. */
  read(name: string): Uint8Array | null {
    const entry = this.entries.get(name);
    if (!entry) return null;
    if (entry.flags & 1) throw new PermanentPhaseError("encrypted_document", "the archive's entries are encrypted");
    const { entryBytes } = this.limits;
    if (entry.size > entryBytes) throw tooLarge(`'${name}' declares ${entry.size} bytes inflated; the limit is ${entryBytes}`);
    const data = this.compressed(entry);
    if (entry.method === 0) return this.count(name, data.slice());
    if (entry.method !== 8) throw invalid(`'${name}' uses compression method ${entry.method}`);
    return this.count(name, this.inflate(name, data));
  }

  /** The entry as UTF-8 text, or null when absent. */
  text(name: string): string | null {
    const data = this.read(name);
    return data && new TextDecoder().decode(data);
  }

  private compressed(entry: Entry): Uint8Array {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const at = entry.localOffset;
    if (at + 30 > this.bytes.length || view.getUint32(at, true) !== 0x04034b50) throw invalid(`'${entry.name}' has no local header`);
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > this.bytes.length) throw invalid(`'${entry.name}' is truncated`);
    return this.bytes.subarray(start, start + entry.compressedSize);
  }

  /** Inflates chunk by chunk and stops as soon as the output passes the entry's limit (the declared size may lie). */
  private inflate(name: string, data: Uint8Array): Uint8Array {
    const limit = Math.min(this.limits.entryBytes, this.limits.totalBytes - this.inflated);
    const parts: Uint8Array[] = [];
    let size = 0;
    let done = false;
    const inflater = new Inflate((chunk, final) => {
      size += chunk.length;
      if (size > limit) throw tooLarge(`'${name}' inflates past ${limit} bytes (the archive's limit is ${this.limits.totalBytes})`);
      parts.push(chunk);
      done ||= final;
    });
    try {
      for (let at = 0; at < data.length; at += CHUNK) inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof PermanentPhaseError) throw error;
      throw invalid(`'${name}' is corrupt (${(error as Error).message})`);
    }
    if (!done) throw invalid(`'${name}' is truncated`);
    const out = new Uint8Array(size);
    let at = 0;
    for (const part of parts) (out.set(part, at), (at += part.length));
    return out;
  }

  private count(name: string, data: Uint8Array): Uint8Array {
    this.inflated += data.length;
    if (this.inflated > this.limits.totalBytes) throw tooLarge(`reading '${name}' passes the archive's limit of ${this.limits.totalBytes} inflated bytes`);
    return data;
  }
}

/** The end-of-central-directory record: in the last 64 KiB + 22 bytes (a trailing comment may precede the end). */
function findEndOfDirectory(bytes: Uint8Array, view: DataView): number {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 65_557); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      if (view.getUint32(at + 16, true) === 0xffffffff) throw tooLarge("ZIP64 archives are not read");
      return at;
    }
  }
  throw invalid("no end of central directory (truncated?)");
}
