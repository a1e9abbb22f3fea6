/** Runs label fixtures and date cases through the real PDF parser and the engine's extraction and resolution. */
import * as v from "valibot";
import { parseBytes } from "../../src/documents/parse";
import { compileDefinition, FieldsInput, PhasesInput } from "../../src/pipeline/definition";
import type { ParsedDocument } from "../../src/pipeline/types";
import { runInvoice, type FieldOutcome } from "./invoice-scoring";
import { dateCasePage, drawLabelPdf, type DATE_CASES, type LabelField, type LabelFixture } from "./label-blocks";

const PHASES = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];

export async function parsedPdf(bytes: Uint8Array, id: string): Promise<ParsedDocument> {
  return { ...(await parseBytes(bytes, { mimeType: "application/pdf", filename: `${id}.pdf`, pageRange: null, maxPages: 10 })), content_hash: id };
}

export interface FieldScore { field: string; outcome: FieldOutcome; value: unknown; expected: unknown }

/** Each field's outcome: released and right, released and wrong (silent), held for review or unreadable, not found. */
export async function scoreFields(fields: LabelField[], parsed: ParsedDocument): Promise<FieldScore[]> {
  const definition = fields.map((f) => ({ name: f.name, type: f.type, extract: [{ type: "label", labels: f.labels }], ...(f.resolve ? { resolve: f.resolve } : {}) }));
  const pipeline = compileDefinition({ fields: v.parse(FieldsInput, definition), phases: v.parse(PhasesInput, PHASES) });
  const cells = await runInvoice(pipeline, parsed);
  return fields.map((f) => {
    const cell = cells[f.name];
    const outcome: FieldOutcome = cell.status === "completed" ? (cell.value === f.expected ? "correct" : "silent_wrong")
      : cell.status === "no_result" ? "missing" : "held";
    return { field: f.name, outcome, value: cell.value, expected: f.expected };
  });
}

export async function scoreLabelFixture(fixture: LabelFixture): Promise<FieldScore[]> {
  return scoreFields(fixture.fields, await parsedPdf(await drawLabelPdf(fixture), fixture.id));
}

/** A date case's outcome: `held` is right exactly when the case says nothing decides (date null). */
export async function scoreDateCase(c: (typeof DATE_CASES)[number]): Promise<FieldScore & { right: boolean }> {
  const field: LabelField = { name: "issued", labels: ["Invoice Date"], type: "date", expected: c.date ?? "", resolve: c.resolve };
  const [score] = await scoreFields([field], await parsedPdf(await drawLabelPdf(dateCasePage(c.lines)), c.id));
  const right = c.date === null ? score.outcome === "held" : score.outcome === "correct";
  return { ...score, expected: c.date, right };
}
