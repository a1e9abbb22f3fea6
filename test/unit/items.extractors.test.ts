import { describe, expect, it } from "vitest";
import { runItemExtractor } from "../../src/documents/extractors/items";
import { parseBytes } from "../../src/documents/parse";
import type { Extractor } from "../../src/pipeline/definition";
import type { ParsedDocument } from "../../src/pipeline/types";

const parse = async (text: string, filename: string) =>
  ({ ...(await parseBytes(new TextEncoder().encode(text), { filename, mimeType: null, pageRange: null, maxPages: 100 })), content_hash: "h" }) as ParsedDocument;
const values = (items: ReturnType<typeof runItemExtractor>) => items.map((i) => Object.fromEntries(Object.entries(i.cells).map(([k, c]) => [k, c.value])));
const items = (extractor: unknown, parsed: ParsedDocument, firstString: string | null = "description") =>
  runItemExtractor(extractor as Extractor, parsed, firstString);

const TABLE = { type: "table", columns: { description: "Description", qty: "Qty", amount: "Amount" }, skip: "^(Sub)?[Tt]otal" };

describe("table extractor for line items", () => {
  it("reads every body row of an HTML table, skipping a repeated header, empty rows and subtotal rows", async () => {
    const html = `<table><tr><td>Ship to</td><td>Berlin</td></tr></table>
      <table><tr><th>Description</th><th>Qty</th><th>Amount</th></tr>
      <tr><td>Bolts</td><td>2</td><td>10.00</td></tr><tr><td></td><td></td><td></td></tr>
      <tr><th>Description</th><th>Qty</th><th>Amount</th></tr>
      <tr><td>Nuts</td><td>5</td><td>=1+2</td></tr><tr><td>Subtotal</td><td></td><td>10.00</td></tr></table>`;
    const found = items(TABLE, await parse(html, "a.html"));
    expect(values(found)).toEqual([{ description: "Bolts", qty: "2", amount: "10.00" }, { description: "Nuts", qty: "5", amount: "=1+2" }]);
    expect(found[1].cells.amount.provenance).toMatchObject({ extractor: "table", table: 1, row: 3, column: "Amount", item_index: 1 });
    expect(found[0].text).toBe("Bolts\t2\t10.00");
  });

  it("reads CSV rows and a table chosen by index or by header_contains", async () => {
    const parsed = await parse("Item;Menge;Betrag\nA;1;1,50\nB;2;3,00\n", "lines.csv");
    const byIndex = items({ type: "table", table: 0, columns: { description: 0, qty: 1, amount: 2 } }, parsed);
    const byHeader = items({ type: "table", table: { header_contains: ["Betrag"] }, columns: { description: "Item", amount: "Betrag" } }, parsed);
    expect(values(byIndex)).toEqual([{ description: "A", qty: "1", amount: "1,50" }, { description: "B", qty: "2", amount: "3,00" }]);
    expect(values(byHeader)).toEqual([{ description: "A", amount: "1,50" }, { description: "B", amount: "3,00" }]);
    expect(items({ type: "table", table: { header_contains: ["Preis"] }, columns: { amount: "Betrag" } }, parsed)).toEqual([]);
  });

  it("reads a Markdown table in text", async () => {
    const md = "# Invoice\n\n| Description | Qty | Amount |\n|---|---:|---:|\n| Bolts | 2 | 10.00 |\n| Nuts \\| washers | 5 | 7.50 |\n\nTotal: 17.50\n";
    expect(values(items(TABLE, await parse(md, "a.md")))).toEqual([
      { description: "Bolts", qty: "2", amount: "10.00" }, { description: "Nuts \\| washers", qty: "5", amount: "7.50" },
    ]);
  });

  it("reads a layout table continued over pages, header repeated, numbers right-aligned, empty cells left out", async () => {
    const page1 = ["ACME Ltd                                  Invoice 7", "", "Description          Qty        Amount",
      "Bolts M8              12         10.00", "Washers                           4.50", "Page 1 of 2"].join("\n");
    const page2 = ["Description          Qty        Amount", "Nuts M8              100        120.00", "", "Subtotal                        134.50"].join("\n");
    const found = items(TABLE, await parse(`${page1}\f${page2}`, "a.txt"));
    expect(values(found)).toEqual([
      { description: "Bolts M8", qty: "12", amount: "10.00" }, { description: "Washers", amount: "4.50" }, { description: "Nuts M8", qty: "100", amount: "120.00" },
    ]);
    const at = page2.indexOf("120.00");
    expect(found[2].cells.amount.provenance).toMatchObject({ page: 1, start: at, end: at + 6 });
  });
});

describe("rows extractor", () => {
  const text = [
    "INVOICE 12", "Pos  Description                 Amount", "1    Steel beam HEB 200         1,200.00",
    "     cut to 6 m, primed", "     delivered on site", "2    Rental crane / day            850.00", "Page 1",
  ].join("\n") + "\f" + ["Pos  Description                 Amount", "3    Labour 8 h @ 45.00            360.00", "Total                         2,410.00"].join("\n");

  it("takes the lines between start and end across pages; continuation lines extend the description", async () => {
    const spec = {
      type: "rows", start: "Pos\\s+Description", end: "^Total", line: "^(?P<pos>\\d+)\\s+(?P<description>.+?)\\s{2,}(?P<amount>[\\d,]+\\.\\d\\d)$",
      continuation: "^\\s{4,}(\\S.*)$",
    };
    const found = items(spec, await parse(text, "a.txt"));
    expect(values(found)).toEqual([
      { pos: "1", description: "Steel beam HEB 200 cut to 6 m, primed delivered on site", amount: "1,200.00" },
      { pos: "2", description: "Rental crane / day", amount: "850.00" },
      { pos: "3", description: "Labour 8 h @ 45.00", amount: "360.00" },
    ]);
    expect(found[0].text).toContain("\ndelivered on site");
    expect(found[2].cells.amount.provenance).toMatchObject({ extractor: "rows", page: 1, item_index: 2 });
  });

  it("tries several line layouts in order (first match wins), searched anywhere in the line", async () => {
    const mixed = "Items\nWidget A   qty 2   at 5.00   = 10.00\nService fee: 25.00\nnoise line\nEnd of items\nWidget Z qty 1 at 1.00 = 1.00\n";
    const spec = {
      type: "rows", start: "^Items", end: "^End of items",
      line: ["(?P<description>Widget \\w)\\s+qty (?P<qty>\\d+).*= (?P<amount>[\\d.]+)", "(?P<description>[A-Za-z ]+):\\s*(?P<amount>[\\d.]+)"],
    };
    expect(values(items(spec, await parse(mixed, "a.txt")))).toEqual([
      { description: "Widget A", qty: "2", amount: "10.00" }, { description: "Service fee", amount: "25.00" },
    ]);
  });

  it("sends continuation text to the column its named group names; no start match means no items", async () => {
    const spec = { type: "rows", line: "^(?P<sku>[A-Z]{3}-\\d+) (?P<amount>\\d+)", continuation: "^\\s+note: (?P<note>.+)" };
    const parsed = await parse("ABC-1 10\n  note: fragile\n  note: keep dry\nXYZ-2 20\n", "a.txt");
    expect(values(items(spec, parsed))).toEqual([{ sku: "ABC-1", amount: "10", note: "fragile keep dry" }, { sku: "XYZ-2", amount: "20" }]);
    expect(items({ ...spec, start: "^Positions" }, parsed)).toEqual([]);
  });
});

describe("json_pointer for line items", () => {
  it("maps keys (or pointers inside each object) to columns", async () => {
    const json = JSON.stringify({ lines: [{ sku: "A", price: { net: 1.5 } }, { sku: "B", price: { net: 2 } }, "junk"] });
    const found = items({ type: "json_pointer", pointer: "/lines", columns: { sku: "sku", amount: "/price/net" } }, await parse(json, "a.json"));
    expect(values(found)).toEqual([{ sku: "A", amount: 1.5 }, { sku: "B", amount: 2 }]);
    expect(found[1].cells.amount.provenance).toMatchObject({ pointer: "/lines/1/price/net", item_index: 1 });
  });
});
