/**
 * `npm run bench:extraction`: 36 invoices in six layouts, drawn with pdf-lib at coordinates,
 * through the real PDF parser and the engine's pure phases under one multi-issuer definition
 * with a blocking gate. Prints field accuracy and silent-wrong values (released past every
 * gate, yet wrong) for the PDF text as parsed today, against the same drawings rendered as
 * layout text (`pdftotext -layout`-like) in the same run: the reference the PDF text should reach.
 */
import { parseBytes } from "../src/documents/parse";
import type { ParsedDocument } from "../src/pipeline/types";
import { report } from "./bench/targets";
import { drawPdf, invoiceFixtures, layoutText, type Invoice } from "./bench/invoice-fixtures";
import { invoicePipeline, runInvoice, scoreInvoice, type FieldOutcome } from "./bench/invoice-scoring";

const fixtures = await invoiceFixtures();
const pipeline = invoicePipeline();
const pdfs = await Promise.all(fixtures.map(drawPdf));
const options = { mimeType: "application/pdf", filename: "invoice.pdf", pageRange: null, maxPages: 100 };

interface Tally { counts: Record<FieldOutcome, number>; byLayout: Map<string, { correct: number; fields: number }>; wrong: string[] }

async function measure(input: string, parse: (fixture: Invoice, i: number) => Promise<ParsedDocument>): Promise<Tally> {
  const tally: Tally = { counts: { correct: 0, silent_wrong: 0, held: 0, missing: 0 }, byLayout: new Map(), wrong: [] };
  for (const [i, fixture] of fixtures.entries()) {
    const scores = scoreInvoice(await runInvoice(pipeline, await parse(fixture, i)), fixture.expected);
    const layout = tally.byLayout.get(fixture.layout) ?? { correct: 0, fields: 0 };
    for (const [field, { outcome, value }] of Object.entries(scores)) {
      tally.counts[outcome]++;
      layout.fields++;
      if (outcome === "correct") layout.correct++;
      const want = fixture.expected[field as keyof typeof fixture.expected];
      if (outcome === "silent_wrong") tally.wrong.push(`${input} ${fixture.id}.${field}: released ${JSON.stringify(value)}, expected ${JSON.stringify(want)}`);
    }
    tally.byLayout.set(fixture.layout, layout);
  }
  return tally;
}

const started = performance.now();
const pdfTally = await measure("pdf", async (_, i) => ({ ...(await parseBytes(pdfs[i], options)), content_hash: String(i) }));
const pdfSeconds = (performance.now() - started) / 1000;
const textTally = await measure("layout-text", async (fixture) =>
  ({ mime_type: "text/plain", filename: null, pages: layoutText(fixture), tables: [], content_hash: fixture.id }));

const fields = fixtures.length * Object.keys(fixtures[0].expected).length;
const pages = fixtures.reduce((t, f) => t + f.pages, 0);
const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
const layouts = [...new Set(fixtures.map((f) => f.layout))];

report("extraction", [
  [`fixtures: ${fixtures.length} invoices (${pages} pages) in ${layouts.length} layouts, ${fields} fields`, ""],
  ["field accuracy, PDF text as parsed", percent(pdfTally.counts.correct, fields)],
  ["field accuracy, layout text of the same drawings (reference)", percent(textTally.counts.correct, fields)],
  {
    metric: "fields right, PDF text as parsed", value: pdfTally.counts.correct, unit: "fields",
    reference: "the layout text of the same drawings", referenceValue: textTally.counts.correct,
  },
  ["silent wrong (released past the blocking gate), PDF / reference", `${pdfTally.counts.silent_wrong} / ${textTally.counts.silent_wrong}`],
  ["held for review or unreadable, PDF / reference", `${pdfTally.counts.held} / ${textTally.counts.held}`],
  ["not found, PDF / reference", `${pdfTally.counts.missing} / ${textTally.counts.missing}`],
  ...layouts.map((layout): [string, string] => {
    const p = pdfTally.byLayout.get(layout)!;
    const t = textTally.byLayout.get(layout)!;
    return [`  ${layout}: accuracy PDF / reference`, `${percent(p.correct, p.fields)} / ${percent(t.correct, t.fields)}`];
  }),
  ["PDF parse + extraction: pages/s", (pages / pdfSeconds).toFixed(0)],
]);
for (const line of [...pdfTally.wrong, ...textTally.wrong]) console.log(`silent wrong: ${line}`);
