import { describe, expect, it } from "vitest";
import { csvColumns, exportCsv, type ExportShape } from "../../src/data-products/csv";

/** A shape of 2000-ordinal slices given per read, in order; every read past them is empty. */
function shape(lastOrdinal: number, slices: string[]): ExportShape & { reads: number } {
  const s = {
    header: ["a", "b"],
    ordinalsPerSlice: 2000,
    reads: 0,
    lastOrdinal: async () => lastOrdinal,
    readSlice: async () => slices[s.reads++] ?? "",
  };
  return s;
}

describe("exportCsv", () => {
  it("ends after the header when there are no rows at all", async () => {
    expect(await new Response(exportCsv(shape(-1, []))).text()).toBe("a,b\r\n");
  });

  it("ends when every slice comes back empty", async () => {
    const source = shape(9_999, []);
    expect(await new Response(exportCsv(source)).text()).toBe("a,b\r\n");
    expect(source.reads).toBe(5);
  });

  it("reads past empty slices to the rows after them, and ends", async () => {
    const text = await new Response(exportCsv(shape(7_999, ["", "", "x,1\r\n", ""]))).text();
    expect(text).toBe("a,b\r\nx,1\r\n");
  });
});

describe("csvColumns", () => {
  const fields = [{ name: "ref", type: "string" }, { name: "total", type: "currency" }, { name: "lines", type: "table" }, { name: "n", type: "number" }];

  it("gives money two columns, amount and code, a table its item count, and each other field one", () => {
    expect(csvColumns(fields, {})).toEqual([
      { name: "ref", source: "ref", part: "text" },
      { name: "total", source: "total", part: "amount" }, { name: "total_currency", source: "total", part: "currency" },
      { name: "lines", source: "lines", part: "count" }, { name: "n", source: "n", part: "value" },
    ]);
  });

  it("adds <name>_status after each field's columns when asked", () => {
    expect(csvColumns(fields, { statusColumns: true }).map((c) => c.name)).toEqual([
      "ref", "ref_status", "total", "total_currency", "total_status", "lines", "lines_status", "n", "n_status",
    ]);
  });
});

describe("exportCsv options", () => {
  it("starts with a UTF-8 byte order mark only when asked", async () => {
    const bytes = async (bom: boolean) => new Uint8Array(await new Response(exportCsv(shape(-1, []), { bom })).arrayBuffer());
    expect([...(await bytes(true))]).toEqual([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("a,b\r\n")]);
    expect([...(await bytes(false))]).toEqual([...new TextEncoder().encode("a,b\r\n")]);
  });
});
