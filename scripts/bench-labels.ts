/**
 * `npm run bench:labels`: label blocks (two- and three-column `Label: value` rows, values below a row
 * of labels, right-aligned values; German, French, Dutch, US and UK English; column gaps 25–70 pt)
 * (and the same, values centred below labels with colons, labels without colons at a tab stop)
 * and dates in every convention, drawn with pdf-lib, through the real PDF parser and the engine's
 * extraction and resolution. Prints label accuracy and silent-wrong values for the PDF text as parsed,
 * next to the same drawings read by `pdftotext -layout` (poppler) in the same run where it is
 * installed; and how many dates were right, held when nothing decides, or silently wrong.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParsedDocument } from "../src/pipeline/types";
import { report, type Figure } from "./bench/targets";
import { DATE_CASES, drawLabelPdf, labelFixtures } from "./bench/label-blocks";
import { parsedPdf, scoreDateCase, scoreFields, type FieldScore } from "./bench/label-scoring";

const fixtures = await labelFixtures();
const pdfs = await Promise.all(fixtures.map(drawLabelPdf));
const dir = mkdtempSync(join(tmpdir(), "bench-labels-"));

/** The same PDF as `pdftotext -layout` reads it, as a text document (no word boxes); null without poppler. */
function popplerText(bytes: Uint8Array, i: number): ParsedDocument | null {
  const file = join(dir, `${i}.pdf`);
  writeFileSync(file, bytes);
  try {
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    return { mime_type: "text/plain", filename: null, pages: text.split("\f").filter((p) => p.trim()), tables: [], content_hash: String(i) };
  } catch {
    return null;
  }
}

const tally = (scores: FieldScore[]) => ({
  right: scores.filter((s) => s.outcome === "correct").length,
  wrong: scores.filter((s) => s.outcome === "silent_wrong").length,
  total: scores.length,
});

const started = performance.now();
const ours: FieldScore[] = [];
for (const [i, fixture] of fixtures.entries()) ours.push(...(await scoreFields(fixture.fields, await parsedPdf(pdfs[i], fixture.id))));
const seconds = (performance.now() - started) / 1000;
// The same values with a definition that names one field only: no other field's labels to tell a label row from values.
const alone: FieldScore[] = [];
for (const [i, fixture] of fixtures.entries()) {
  const parsed = await parsedPdf(pdfs[i], fixture.id);
  for (const field of fixture.fields) alone.push(...(await scoreFields([field], parsed)));
}
const poppler: FieldScore[] = [];
let havePoppler = true;
for (const [i, fixture] of fixtures.entries()) {
  const parsed = havePoppler ? popplerText(pdfs[i], i) : null;
  if (!parsed) {
    havePoppler = false;
    break;
  }
  poppler.push(...(await scoreFields(fixture.fields, parsed)));
}
rmSync(dir, { recursive: true, force: true });

const dates = await Promise.all(DATE_CASES.map(scoreDateCase));
const a = tally(ours);
const b = tally(poppler);
const reference = havePoppler ? { reference: "pdftotext -layout text of the same PDFs", referenceValue: b.right } : {};
const rows: Array<Figure | [string, string | number]> = [
  [`label fixtures: ${fixtures.length} header blocks, ${a.total} labelled values`, ""],
  { metric: "label values right, PDF as parsed", value: a.right, unit: "values", ...reference },
  ["label accuracy, PDF as parsed", `${((100 * a.right) / a.total).toFixed(1)} %`],
  ["label values silently wrong, PDF as parsed", a.wrong],
  ["label accuracy, one field per definition (no other labels known)", `${((100 * tally(alone).right) / a.total).toFixed(1)} %`],
  ["label values silently wrong, one field per definition", tally(alone).wrong],
  havePoppler ? ["label values silently wrong, pdftotext -layout text", b.wrong] : ["pdftotext -layout reference", "skipped: pdftotext not installed"],
  [`date cases: ${dates.length} conventions and evidence`, ""],
  ["dates right (released right, or held where nothing decides)", dates.filter((d) => d.right).length],
  ["dates held for review", dates.filter((d) => d.outcome === "held").length],
  ["dates silently wrong", dates.filter((d) => d.outcome === "silent_wrong").length],
  ["label PDFs parsed and extracted: pages/s", (fixtures.length / seconds).toFixed(0)],
];
report("labels", rows);
for (const s of [...ours.filter((x) => x.outcome !== "correct"), ...dates.filter((d) => !d.right)]) {
  console.log(`not right: ${s.field} ${s.outcome} ${JSON.stringify(s.value)}, expected ${JSON.stringify(s.expected)}`);
}
