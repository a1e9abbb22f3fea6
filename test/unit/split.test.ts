import { describe, expect, it } from "vitest";
import type { ParsedDocument } from "../../src/documents/model";
import { partDocument, splitPages, type SplitSpec } from "../../src/documents/split";
import { childrenOf } from "../../src/pipeline/children";

const doc = (pages: string[]): ParsedDocument => ({ mime_type: "text/plain", filename: null, pages, tables: [], content_hash: "x" });
const invoice = { name: "invoice", when: { any: ["invoice"] } };
const credit = { name: "credit_note", when: { any: ["credit note"] } };
const cut = (pages: string[], spec: SplitSpec) => splitPages(doc(pages), spec).map((p) => [p.type, p.pages, p.split_reason]);

describe("splitPages", () => {
  it("starts a part at each page a type's when matches, and keeps others with the part before", () => {
    expect(cut(["Invoice 1", "terms", "Credit note 7", "Invoice 2"], { types: [invoice, credit] })).toEqual([
      ["invoice", [0, 1], "first_page"], ["credit_note", [2], "when"], ["invoice", [3], "when"],
    ]);
  });

  it("lets a page counter keep pages together that repeat the type's words, and start a part at page 1", () => {
    const pages = ["Invoice A Page 1 of 2", "Invoice A Page 2 of 2", "Invoice B Seite 1 von 1"];
    expect(cut(pages, { types: [invoice] })).toEqual([["invoice", [0, 1], "first_page"], ["invoice", [2], "page_counter"]]);
    expect(cut(pages, { types: [invoice], page_counter: false })).toHaveLength(3);
  });

  it("keeps pages with the same identifier together and cuts where it changes", () => {
    const spec = { types: [{ ...invoice, identifier: String.raw`No\.\s*(\d+)` }] };
    const parts = splitPages(doc(["Invoice No. 5", "Invoice No. 5 cont.", "Invoice No. 6"]), spec);
    expect(parts.map((p) => [p.pages, p.identifier, p.split_reason])).toEqual([[[0, 1], "5", "first_page"], [[2], "6", "identifier"]]);
  });

  it("treats blank pages as separators unless told to keep them", () => {
    const pages = ["Invoice 1", "  \n ", "more text", "", "Invoice 2"];
    expect(cut(pages, { types: [invoice] })).toEqual([["invoice", [0], "first_page"], [null, [2], "blank_page"], ["invoice", [4], "blank_page"]]);
    expect(cut(pages, { types: [invoice], blank_pages: "keep" })).toEqual([["invoice", [0, 1, 2, 3], "first_page"], ["invoice", [4], "when"]]);
  });

  it("drops unclassified parts or fails the document naming their pages, as asked", async () => {
    const pages = ["cover sheet", "Invoice 1"];
    const kept = await childrenOf(doc(pages), { types: [invoice] }, 0);
    expect(kept.children.map((c) => c.part?.type)).toEqual([null, "invoice"]);
    const dropped = await childrenOf(doc(pages), { types: [invoice], unclassified: "drop" }, 0);
    expect(dropped.children.map((c) => c.part?.pages)).toEqual([[1, 1]]);
    await expect(childrenOf(doc(pages), { types: [invoice], unclassified: "error" }, 0)).rejects.toMatchObject({ code: "unclassified_pages" });
  });

  it("gives a part only its own pages, words, tables and marks, renumbered, with the source page numbers", () => {
    const parsed: ParsedDocument = {
      ...doc(["a", "b", "c"]), page_numbers: [4, 5, 6], words: [[0, 1, 0, 0, 1, 1], [0, 1, 2, 2, 3, 3], [0, 1, 4, 4, 5, 5]],
      tables: [{ header: ["x"], rows: [], page: 2 }, { header: ["y"], rows: [], page: 0 }],
      marks: [{ start: 0, end: 1, page: 2, table: 0 }, { start: 0, end: 1, page: 0, heading: 1 }],
    };
    const part = partDocument(parsed, [1, 2]);
    expect(part).toMatchObject({ pages: ["b", "c"], page_numbers: [5, 6], words: [[0, 1, 2, 2, 3, 3], [0, 1, 4, 4, 5, 5]] });
    expect(part.tables).toEqual([{ header: ["x"], rows: [], page: 1 }]);
    expect(part.marks).toEqual([{ start: 0, end: 1, page: 1, table: 0 }]);
  });

  it("refuses attachments nested deeper than the bound", async () => {
    const mail = { ...doc(["mail"]), attachments: [{ filename: "a.eml", mime_type: null, index: 0, content_base64: "eA==" }] };
    await expect(childrenOf(mail, undefined, 3)).rejects.toMatchObject({ code: "attachments_too_deep" });
    const ok = await childrenOf(mail, undefined, 2);
    expect(ok.children[0]).toMatchObject({ key: "attachment:0", phase_index: 0, source: { kind: "base64", data: "eA==" } });
    expect(ok.parsed.attachments?.[0].content_base64).toBe("");
  });
});
