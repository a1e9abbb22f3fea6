import { spanConfidence, type Candidate, type ParsedDocument } from "../model";

/** A candidate read by OCR is only as sure as the words it came from: its confidence is scaled by theirs. */
export function ocrWeighted(candidate: Candidate): Candidate {
  const ocr = candidate.provenance.ocr_confidence;
  if (ocr === undefined) return candidate;
  return { ...candidate, confidence: Math.round(candidate.confidence * ocr * 1000) / 1000 };
}

/** The OCR confidence of a span on an OCR page, as provenance carries it (nothing on a text-layer page). */
export function ocrProvenance(parsed: ParsedDocument, page: number, start?: number, end?: number): { ocr_confidence?: number } {
  const confidence = parsed.word_confidence?.[page];
  const words = parsed.words?.[page];
  if (!confidence?.length || !words || start === undefined || end === undefined) return {};
  const mean = spanConfidence(words, confidence, start, end);
  return mean === null ? {} : { ocr_confidence: mean };
}
