/**
 * `npm run bench:llm`: what reading fields with a model costs us beyond the model itself. 24 invoice
 * PDFs (drawn with pdf-lib, parsed by the real parser) go through the extraction phase's model pass
 * against a fake OpenAI-compatible server on loopback that answers after 200 ms; the reference is a
 * bare fetch of the same answer from the same server in the same run. Grounding per page is set
 * against the page's parse time.
 */
import { createOpenAiCompatibleProvider } from "../src/adapters/llm/openai";
import { groundAnswer } from "../src/documents/grounding";
import { parseBytes } from "../src/documents/parse";
import { compileDefinition, initialCells } from "../src/pipeline/definition";
import { readWithModel, type ModelRun } from "../src/pipeline/model-pass";
import type { PhaseContext } from "../src/pipeline/phases/context";
import type { ParsedDocument } from "../src/pipeline/types";
import { startFakeLlm, type FakeRequest } from "../test/support/fake-llm";
import { drawPdf, invoiceFixtures } from "./bench/invoice-fixtures";
import { report, round } from "./bench/targets";

const LATENCY_MS = 200;
const fixtures = (await invoiceFixtures(4)).slice(0, 24);
const options = { mimeType: "application/pdf", filename: "invoice.pdf", pageRange: null, maxPages: 100 };

const parseStarted = performance.now();
const parsed: ParsedDocument[] = [];
for (const [i, fixture] of fixtures.entries()) parsed.push({ ...(await parseBytes(await drawPdf(fixture), options)), content_hash: `bench-${i}` });
const parseMs = performance.now() - parseStarted;
const pages = parsed.reduce((n, p) => n + p.pages.length, 0);

/** Answers as a model would: each value with the line it sits on, read from the document the request carries. */
function answerFor(request: FakeRequest) {
  const text = request.body.messages[1].content;
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("<<<") && !l.startsWith("-"));
  const numbered = lines.find((l) => /invoice/i.test(l) && /\d/.test(l)) ?? lines[0];
  const amount = [...lines].reverse().find((l) => /\d[.,]\d\d\b/.test(l)) ?? lines[0];
  const token = (line: string, pattern: RegExp) => pattern.exec(line)?.[0] ?? line;
  return JSON.stringify({
    vendor: { value: lines[3] ?? lines[0], quote: lines[3] ?? lines[0], page: 0 },
    invoice_number: { value: token(numbered, /[A-Z0-9][A-Z0-9-/]{3,}/), quote: numbered, page: 0 },
    total: { value: token(amount, /\d[\d.,']*\d/), quote: amount, page: 0 },
  });
}

const fake = await startFakeLlm();
fake.script((request) => ({ delayMs: LATENCY_MS, content: answerFor(request) }));
const provider = createOpenAiCompatibleProvider({ baseUrl: fake.baseUrl, apiKey: "bench", timeoutMs: 10_000 });
const pipeline = compileDefinition({
  fields: ["vendor", "invoice_number", "total"].map((name) => ({ name, type: name === "total" ? "number" as const : "string" as const, extract: [{ type: "llm" as const }] })),
  phases: [{ type: "transfer" }, { type: "extraction" }],
});
const run: ModelRun = {
  reader: {
    provider: provider.name, defaultModel: "fake", prices: { input: 0, output: 0, cached: 0 },
    complete: (request) => provider.complete(request), cached: async () => null, remember: async () => undefined,
  },
  maxCost: null, spent: 0, skipCache: true, finalAttempt: true, maxOutputTokens: 1024,
};

const noResult = () => Object.fromEntries(Object.entries(initialCells(pipeline))
  .map(([k, c]) => [k, { ...c, status: "no_result" as const, reason: { code: "not_found", summary: "", message: "" } }]));
// One pass before timing: module loading, JIT and the first connection are not per-document costs.
await readWithModel({ pipeline, phaseIndex: 1, parsed: parsed[0], cells: noResult(), uniqueness: {}, decisions: [] }, noResult(), run);

let passMs = 0;
let bareMs = 0;
let grounded = 0;
let requestBytes = 0;
// Interleaved with the reference (a bare fetch of the same body from the same server, nothing of ours
// around it), so both see the same machine load and the same warm server.
for (const doc of parsed) {
  // The cells as the deterministic extractors leave them when nothing matched (the model pass reads those).
  const cells = noResult();
  const ctx: PhaseContext = { pipeline, phaseIndex: 1, parsed: doc, cells, uniqueness: {}, decisions: [] };
  let started = performance.now();
  const result = await readWithModel(ctx, cells, run);
  passMs += performance.now() - started;
  grounded += Object.values(result.cells).filter((c) => c.status === "completed").length;
  const body = JSON.stringify(fake.requests.at(-1)!.body);
  requestBytes += body.length;
  started = performance.now();
  const res = await fetch(`${fake.baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
  await res.json();
  bareMs += performance.now() - started;
}
await fake.close();

// Grounding alone, per page: every answer of every document again, without the network.
const groundStarted = performance.now();
for (const doc of parsed) {
  const answers = JSON.parse(answerFor({ body: { messages: [{ role: "system", content: "" }, { role: "user", content: doc.pages.join("\n") }] } } as unknown as FakeRequest));
  for (const [name, a] of Object.entries(answers) as Array<[string, { value: string; quote: string; page: number }]>) {
    groundAnswer(doc, doc.pages.map((_, i) => i), a, name === "total" ? "number" : "string", {});
  }
}
const groundMs = performance.now() - groundStarted;

const n = parsed.length;
const overhead = Math.max(0, (passMs - bareMs) / n);
report("llm", [
  [`documents: ${n} invoice PDFs (${pages} pages), 3 llm fields each, fake model answering after ${LATENCY_MS} ms`, ""],
  ["values grounded (of 3 per document)", `${grounded} of ${n * 3}`],
  ["request size per document", `${round(requestBytes / n / 1024)} KiB`],
  { metric: "model pass per document", value: round(passMs / n), unit: "ms", reference: "bare fetch of the same answer", referenceValue: round(bareMs / n) },
  { metric: "our overhead per model call", value: round(overhead), unit: "ms", reference: "the fake model's latency (target ≤ 0.1×)", referenceValue: LATENCY_MS },
  { metric: "grounding per page (3 answers)", value: round(groundMs / pages), unit: "ms", reference: "parsing the page", referenceValue: round(parseMs / pages) },
]);
