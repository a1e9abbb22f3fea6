import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { runExtractor } from "../../src/documents/extractors";
import { parseDate } from "../../src/documents/normalize/dates";
import { extractLabel } from "../../src/documents/extractors/label";
import { originalSpan, prepareText } from "../../src/documents/preprocess";
import { compileDefinition, FieldsInput, initialCells, PhasesInput, type CompiledPipeline } from "../../src/pipeline/definition";
import { runExtraction } from "../../src/pipeline/phases/extraction";
import { runResolution } from "../../src/pipeline/phases/resolution";
import type { Cells, ParsedDocument } from "../../src/pipeline/types";

const doc = (pages: string[], extra: Partial<ParsedDocument> = {}): ParsedDocument =>
  ({ mime_type: "text/plain", filename: null, pages, tables: [], content_hash: "h", ...extra });
const compile = (fields: unknown[]) =>
  compileDefinition({ fields: v.parse(FieldsInput, fields), phases: v.parse(PhasesInput, [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }]) });

async function resolve(pipeline: CompiledPipeline, parsed: ParsedDocument): Promise<Cells> {
  const base = { pipeline, parsed, uniqueness: {}, decisions: [] };
  const extracted = await runExtraction({ ...base, phaseIndex: 1, cells: initialCells(pipeline) });
  return runResolution({ ...base, phaseIndex: 2, cells: extracted });
}

describe("dates and numbers as documents write them", () => {
  it.each([
    ["7. Mai 2014", {}, "2014-05-07"], ["02 Juillet 2015", {}, "2015-07-02"], ["29 maart 2014", {}, "2014-03-29"],
    ["3 ago 2024", {}, "2024-08-03"], ["August 3 , 2014", {}, "2014-08-03"], ["3rd March 24", {}, "2024-03-03"],
    ["1er août 2023", {}, "2023-08-01"], ["3 de agosto de 2024", {}, "2024-08-03"], ["15 févr. 2022", {}, "2022-02-15"],
    ["05.07.14", { formats: ["DD.MM.YY"] }, "2014-07-05"], ["2014/07/05", { formats: ["YYYY/DD/MM"] }, "2014-05-07"],
    ["03/04/2024", { formats: ["DD.MM.YYYY", "MM/DD/YYYY"] }, "2024-03-04"], ["03.04.2024", { formats: ["DD.MM.YYYY"] }, "2024-04-03"],
    ["7 mai 2014", { formats: ["D MMMM YYYY"], languages: ["fr"] }, "2014-05-07"],
  ] as const)("reads %s (%o) as %s", (raw, options, expected) => {
    expect(parseDate(raw, options as never)).toEqual({ ok: true, value: expected });
  });

  it("reads month names only in the languages asked for, and refuses impossible days", () => {
    expect(parseDate("7 may 2014", { languages: ["fr"] }).ok).toBe(false);
    expect(parseDate("31 April 2024").ok).toBe(false);
  });

  it("finds a multilingual date and an accounting negative next to a label", () => {
    const parsed = doc(["Rechnungsdatum: 12. Dezember 2019\nGutschrift: 1'234.50-\n"]);
    expect(extractLabel(parsed, ["Rechnungsdatum"], "date")[0].value).toBe("12. Dezember 2019");
    expect(extractLabel(parsed, ["Gutschrift"], "number")[0].value).toBe("1'234.50-");
  });
});

describe("preprocess", () => {
  it("maps every prepared span back into the original text", () => {
    const text = "Total :  1 234,50 EUR\nNext";
    const prepared = prepareText(text, ["remove_whitespace", { replace: ["(\\d),(\\d\\d)", "$1.$2"] }, "lowercase"])!;
    expect(prepared.text).toBe("total:1234.50eur\nnext");
    const at = prepared.text.indexOf("1234.50");
    const [start, end] = originalSpan(prepared, at, at + "1234.50".length);
    expect(text.slice(start, end)).toBe("1 234,50");
    expect(prepareText("Crème  \t brûlée", ["remove_accents", "collapse_spaces"])!.text).toBe("Creme brulee");
  });

  it("feeds the prepared text to an extractor; provenance points into the original page", () => {
    const text = "Ref: A B-1 2 3\n";
    const [found] = runExtractor({ type: "regex", pattern: "Ref:(\\S+)", preprocess: ["remove_whitespace"] }, doc([text]), "string");
    expect(found.value).toBe("AB-123");
    expect(text.slice(found.provenance.start, found.provenance.end)).toBe("A B-1 2 3");
  });
});

describe("regions and pages", () => {
  const parsed = doc(["Ship to\nName: Carrier\nBill to\nName: Buyer\nTotal 5\n", "Name: Later\nTotal 9\n"], { page_numbers: [3, 4] });

  it("searches between after and the next before; nothing when after is missing; to the end when before is", () => {
    const names = (e: object) => runExtractor({ type: "label", labels: ["Name"], ...e } as never, parsed, "string").map((c) => c.value);
    expect(names({ after: "Bill to", before: "Total" })).toEqual(["Buyer"]);
    expect(names({ after: "Remit to" })).toEqual([]);
    expect(names({ after: "Bill to", before: "Nowhere" })).toEqual(["Buyer", "Later"]);
    const [buyer] = runExtractor({ type: "label", labels: ["Name"], after: "Bill to" }, parsed, "string");
    expect(parsed.pages[0].slice(buyer.provenance.start, buyer.provenance.end)).toBe("Buyer");
  });

  it("takes pages by their source numbers and last", () => {
    const totals = (pages: string) => runExtractor({ type: "label", labels: ["Total"], pages }, parsed, "number").map((c) => [c.value, c.provenance.page]);
    expect(totals("last")).toEqual([["9", 4]]);
    expect(totals("3")).toEqual([["5", 3]]);
    expect(totals("0-3")).toEqual([["5", 3]]);
  });
});

describe("when, constant and the waterfall", () => {
  const pipeline = compile([
    { name: "vendor", type: "string", extract: [
      { type: "constant", value: "ACME", when: { any: ["acme gmbh"], none: [{ pattern: "(?i)credit note" }] } },
      { type: "constant", value: "Other" },
    ] },
    { name: "total", type: "number", extract: [
      { type: "regex", pattern: "Summe (\\S+)", when: { all: ["ACME", { pattern: "Rechnung\\s+Nr" }] } },
      { type: "label", labels: ["Total"] },
    ] },
  ]);

  it("skips an extractor whose when fails and says which when held", async () => {
    const acme = await resolve(pipeline, doc(["ACME GmbH\nRechnung Nr 1\nSumme 12,50\nTotal 99"]));
    expect(acme.vendor.value).toBe("ACME");
    expect(acme.total).toMatchObject({ value: 12.5, resolved_by: "extraction:regex" });
    expect(acme.total.meta.provenance?.when).toEqual({ all: ["ACME", "/Rechnung\\s+Nr/"] });
    const credit = await resolve(pipeline, doc(["ACME GmbH Credit Note\nSumme 12,50\nTotal 99"]));
    expect(credit.vendor.value).toBe("Other");
    expect(credit.total.value).toBe(99);
  });
});

describe("many matches, one value", () => {
  const text = "Item 10.00\nItem 2.50\nItem 10.00\nNote x\n";
  const field = (aggregate: string | undefined, type = "number", more: object = {}) =>
    ({ name: "f", type, extract: [{ type: "regex", pattern: "Item (\\S+)", all: true }], ...(aggregate ? { aggregate } : {}), ...more });

  it.each([
    ["sum", 22.5], ["min", 2.5], ["max", 10], ["first", 10], ["last", 10], ["list", [10, 2.5, 10]], [undefined, [10, 2.5, 10]],
  ] as const)("aggregate %s gives %o", async (aggregate, expected) => {
    expect((await resolve(compile([field(aggregate)]), doc([text]))).f.value).toEqual(expected);
  });

  it("joins text with the separator, and says list in field_definitions' shape", async () => {
    const pipeline = compile([field("join", "string", { separator: " | " })]);
    expect((await resolve(pipeline, doc([text]))).f.value).toBe("10.00 | 2.50 | 10.00");
    expect(compile([field(undefined)]).fields[0].aggregate).toBe("list");
  });

  it("releases nothing when one match does not read as the type", async () => {
    const cells = await resolve(compile([field("sum")]), doc([`${text}Item abc\n`]));
    expect(cells.f).toMatchObject({ status: "failed", reason: { code: "invalid_value" } });
    expect(cells.f.reason?.message).toContain("match 4 of 4");
  });
});

describe("the definition compiler on the new options", () => {
  /** Paths of every problem, from the schema or the compiler, as a 400 would name them. */
  function problems(field: object): string[] {
    const fields = v.safeParse(FieldsInput, [{ name: "f", type: "number", ...field }]);
    if (!fields.success) return fields.issues.map((i) => ["fields", ...(i.path ?? []).map((p) => p.key)].join("."));
    try {
      compile(fields.output);
      return [];
    } catch (error) {
      return ((error as { details: Array<{ path: string }> }).details).map((d) => d.path);
    }
  }
  const label = { type: "label", labels: ["Total"] };

  it.each([
    [{ extract: [{ ...label, after: "(?=lookahead)" }] }, "fields.0.extract.0.after"],
    [{ extract: [{ ...label, pages: "3-1" }] }, "fields.0.extract.0.pages"],
    [{ extract: [{ ...label, pages: "first" }] }, "fields.0.extract.0.pages"],
    [{ extract: [{ ...label, when: {} }] }, "fields.0.extract.0.when"],
    [{ extract: [{ ...label, when: { any: [{ pattern: "(a" }] } }] }, "fields.0.extract.0.when.any.0.pattern"],
    [{ extract: [{ ...label, preprocess: ["uppercase"] }] }, "fields.0.extract.0.preprocess.0"],
    [{ extract: [{ type: "constant" }] }, "fields.0.extract.0.value"],
    [{ extract: [label], preprocess: [{ replace: ["\\1", ""] }] }, "fields.0.preprocess.0.replace.0"],
    [{ extract: [label], aggregate: "join" }, "fields.0.aggregate"],
    [{ extract: [label], separator: ";" }, "fields.0.separator"],
    [{ extract: Array.from({ length: 51 }, () => label) }, "fields.0.extract"],
    [{ type: "date", extract: [label], resolve: { formats: ["DD.MM"] } }, "fields.0.resolve.formats.0"],
    [{ type: "date", extract: [label], resolve: { languages: ["xx"] } }, "fields.0.resolve.languages.0"],
    [{ extract: [label], resolve: { formats: ["DD.MM.YYYY"] } }, "fields.0.resolve.formats"],
  ])("refuses %j at %s", (field, path) => {
    expect(problems(field)).toContain(path);
  });

  it("takes a waterfall of 50 extractors and every option together", () => {
    const full = {
      ...label, after: "Summary", before: "(?i)thank you", pages: "0,last", all: true,
      preprocess: ["collapse_spaces", { replace: ["EUR", ""] }], when: { any: ["ACME"], none: [{ pattern: "credit" }] },
    };
    expect(problems({ extract: [full, ...Array.from({ length: 49 }, () => label)], aggregate: "sum", preprocess: ["lowercase"] })).toEqual([]);
  });
});
