import { describe, expect, it } from "vitest";
import { exportCsv, type ExportShape } from "../../src/data-products/csv";

/** A shape whose slices are given per read, in order; every read past them is empty. */
function shape(lastOrdinal: number, slices: string[]): ExportShape & { reads: number } {
  const s = {
    header: ["a", "b"],
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
