import type { ParsedDocument } from "../model";
import { parseBytes, type ParseOptions } from "./index";

/** What a parse returns: the document model without the content hash (transfer adds it). */
export type ParsedBytes = Omit<ParsedDocument, "content_hash">;

/**
 * Runs `parseBytes` somewhere its time and memory are bounded. Every format registered in
 * `parseBytes` is boxed by construction: a box never parses itself, it only decides where
 * `parseBytes` runs. A limit passed is a `PermanentPhaseError` (`parse_time_limit`,
 * `parse_memory_limit`); the bounds inside the parsers (pages, words, nesting, decompression)
 * hold wherever it runs.
 */
export type ParseBox = (bytes: Uint8Array, options: ParseOptions) => Promise<ParsedBytes>;

/**
 * In the caller's own thread: for runtimes whose isolate is itself the box (a Cloudflare Worker
 * is ended by the platform past its CPU time or memory) and for the box's own worker thread.
 */
export const directParse: ParseBox = parseBytes;
