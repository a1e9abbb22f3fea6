import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const label = (name: string) => [{ type: "label", labels: [name] }];
const definition = {
  fields: [
    ...["name", "amount", "total", "yen", "due", "paid", "meta", "gross"].map((name, i) => ({
      name, type: ["string", "number", "currency", "currency", "date", "boolean", "json", "number"][i], extract: label(name),
    })),
    {
      name: "lines", type: "table", extract: [{ type: "table", columns: { description: "Description", qty: "Qty", price: "Price" } }],
      columns: [{ name: "description", type: "string" }, { name: "qty", type: "integer" }, { name: "price", type: "currency" }],
    },
  ],
  phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
  documents: [0, 1, 2].map((i) => ({ id: `doc-${i}`, text: `name: doc ${i}` })),
};

type Fixture = Record<string, unknown>;
const cell = (value: unknown, status = "completed", code?: string, type = "string"): Fixture => ({
  value, status, type, reason: code ? { code, summary: code, message: code } : null, claimed_by: null,
  resolved_by: status === "completed" ? "input" : null, meta: { candidates: [{ value: "not exported" }] },
});
const money = (amount: number, currency: string) => ({ amount, currency });
const items = (status: string, list: Array<Record<string, Fixture>>, code?: string) => cell(list, status, code, "table");

/**
 * Every case the CSV rules decide, as stored cells of a published generation: holdback (parked,
 * derived from a parked input, rejected; a parked table withholds its items), the formula guard,
 * quoting, unicode, float noise, money and its minor units, dates, booleans, JSON, not found, missing.
 */
const FIXTURE: Array<Record<string, Fixture>> = [
  {
    name: cell("=SUM(A1)"), amount: cell(143.39499999999998), total: cell(money(120.5, "EUR")), yen: cell(money(1234.5, "JPY")),
    due: cell("2024-03-01"), paid: cell(true), meta: cell({ b: 'x, "y"', a: [1, 2] }), gross: cell(-12.5),
    lines: items("completed", [
      { description: cell("+1 bolt"), qty: cell(3), price: cell(money(0.30000000000000004, "BHD")) },
      { description: cell("Crane", "needs_review", "gate_failed"), qty: cell(1), price: cell(money(5, "EUR"), "failed", "rejected_by_review") },
      { description: cell("@home\r"), qty: cell(-4), price: cell(money(-2, "EUR")) },
    ]),
  },
  {
    name: cell('Zoë "the" 日本\nline2'), amount: cell(0.30000000000000004), total: cell(money(-12.5, "KWD")), yen: cell(null, "no_result", "not_found"),
    due: cell("2024-01-01", "needs_review", "gate_failed"), paid: cell(false), meta: cell("-text"), gross: cell(99, "needs_review", "input_held"),
    lines: items("needs_review", [{ description: cell("Nuts"), qty: cell(10), price: cell(money(1.5, "USD")) }], "gate_failed"),
  },
  {
    name: cell("-12"), amount: cell(37037036.699999996), total: cell(money(5, "EUR"), "failed", "rejected_by_review"),
    yen: cell(null, "failed", "expression_failed"), paid: cell("\tx"), meta: cell(null), gross: cell(7), lines: items("completed", []),
  },
];

async function fixtureProduct() {
  const res = await t.request("/v1/pipelines", { method: "POST", json: { name: "csv fixture", ...definition } });
  expect(res.status).toBe(202);
  const run = (await res.json()) as { id: string };
  await settle(t);
  const { published_generation: generation } = await t.db.selectFrom("pipelines").select("published_generation")
    .where("id", "=", run.id).executeTakeFirstOrThrow();
  for (const [ordinal, cells] of FIXTURE.entries()) {
    await sql`update document_versions set cells = ${JSON.stringify(cells)}::jsonb
              where pipeline_id = ${run.id} and generation = ${generation} and ordinal = ${ordinal}`.execute(t.db);
  }
  const ids = (await t.db.selectFrom("document_versions").select("document_id").where("pipeline_id", "=", run.id)
    .where("generation", "=", generation).orderBy("ordinal").execute()).map((r) => r.document_id);
  const { body } = await createProduct(t, run.id, "CSV fixture");
  return { productId: body.dataProduct.id as string, token: body.shareToken.token as string, ids };
}

const text = async (path: string, key?: null) => {
  const res = await t.request(path, key === null ? { key: null } : {});
  expect(res.status, path).toBe(200);
  return res.text();
};

const HEADER = "name,amount,total,total_currency,yen,yen_currency,due,paid,meta,gross,lines";
const RECORDS = [
  `'=SUM(A1),143.395,120.50,EUR,1235,JPY,2024-03-01,true,"{""a"":[1,2],""b"":""x, \\""y\\""""}",-12.5,3`,
  `"Zoë ""the"" 日本\nline2",0.3,-12.500,KWD,,,,false,'-text,,`,
  `-12,37037036.7,,,,,,'\tx,,7,0`,
];

describe("CSV export fixture", () => {
  it("writes every case as before, except what CSV for people changes: numbers, money in two columns, no guard on numbers", async () => {
    const { productId, token } = await fixtureProduct();
    const csv = await text(`/v1/data-products/${productId}/export.csv`);
    expect(csv).toBe([HEADER, ...RECORDS, ""].join("\r\n"));
    expect(csv).not.toContain("not exported");
    expect(await text(`/share/${token}.csv`, null)).toBe(csv);
  });

  it("exports the line items with the same rules, a withheld table withholding every item cell", async () => {
    const { productId, token, ids } = await fixtureProduct();
    const csv = await text(`/v1/data-products/${productId}/export.csv?table=lines`);
    expect(csv).toBe([
      "record_id,item_index,description,qty,price,price_currency",
      `${ids[0]},0,'+1 bolt,3,0.300,BHD`, `${ids[0]},1,,1,,`, `${ids[0]},2,"'@home\r",-4,-2.00,EUR`,
      `${ids[1]},0,,,,`, "",
    ].join("\r\n"));
    expect(await text(`/share/${token}.csv?table=lines`, null)).toBe(csv);
  });

  it("adds a status column after each field's on ?status_columns=true, so withheld and not found differ", async () => {
    const { productId, token, ids } = await fixtureProduct();
    const csv = await text(`/v1/data-products/${productId}/export.csv?status_columns=true`);
    const [header, , second, third] = csv.split("\r\n");
    expect(header).toBe("name,name_status,amount,amount_status,total,total_currency,total_status,yen,yen_currency,yen_status,"
      + "due,due_status,paid,paid_status,meta,meta_status,gross,gross_status,lines,lines_status");
    expect(csv.split("\r\n")[1]).toMatch(/^'=SUM\(A1\),completed,143\.395,completed,120\.50,EUR,completed,/);
    expect(second.split("\n")[1]).toBe('line2",completed,0.3,completed,-12.500,KWD,completed,,,no_result,,needs_review,false,completed,'
      + "'-text,completed,,needs_review,,needs_review");
    expect(third).toBe("-12,completed,37037036.7,completed,,,failed,,,failed,,,'\tx,completed,,completed,7,completed,0,completed");
    expect(await text(`/share/${token}.csv?status_columns=true`, null)).toBe(csv);

    const lines = await text(`/v1/data-products/${productId}/export.csv?table=lines&status_columns=true`);
    expect(lines.split("\r\n").slice(0, 3)).toEqual([
      "record_id,item_index,description,description_status,qty,qty_status,price,price_currency,price_status",
      `${ids[0]},0,'+1 bolt,completed,3,completed,0.300,BHD,completed`,
      `${ids[0]},1,,needs_review,1,completed,,,failed`,
    ]);
    expect(lines.split("\r\n")[4]).toBe(`${ids[1]},0,,needs_review,,needs_review,,,needs_review`);
  });

  it("starts with a UTF-8 byte order mark on ?bom=true only, and refuses a flag that is not true or false", async () => {
    const { productId, token } = await fixtureProduct();
    for (const [path, key] of [[`/v1/data-products/${productId}/export.csv?bom=true`, undefined], [`/share/${token}.csv?bom=true`, null]] as const) {
      const bytes = new Uint8Array(await (await t.request(path, { key })).arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.slice(3, 3 + HEADER.length))).toBe(HEADER);
    }
    const plain = new Uint8Array(await (await t.request(`/v1/data-products/${productId}/export.csv?bom=false`)).arrayBuffer());
    expect(plain[0]).toBe("n".charCodeAt(0));
    const bad = await t.request(`/v1/data-products/${productId}/export.csv?bom=yes`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details).toEqual([{ path: "query.bom", message: "must be one of \"true\", \"false\"; got \"yes\"" }]);
  });

  it("lets any origin read the public CSV, without credentials, and not the API's", async () => {
    const { productId, token } = await fixtureProduct();
    const shared = await t.request(`/share/${token}.csv`, { key: null, headers: { Origin: "https://example.org" } });
    expect(shared.headers.get("access-control-allow-origin")).toBe("*");
    expect(shared.headers.get("access-control-allow-credentials")).toBeNull();
    expect(shared.headers.get("access-control-expose-headers")).toContain("ETag");
    const asking = { Origin: "https://example.org", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match" };
    const preflight = await t.request(`/share/${token}.csv`, { method: "OPTIONS", key: null, headers: asking });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/If-None-Match/i);
    const dead = await t.request(`/share/shr_${"x".repeat(43)}.csv`, { key: null });
    expect(dead.status).toBe(404);
    expect(dead.headers.get("access-control-allow-origin")).toBe("*");
    const page = await t.request(`/share/${token}`, { key: null, headers: { Accept: "text/html" } });
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
    const api = await t.request(`/v1/data-products/${productId}/export.csv`, { headers: { Origin: "https://example.org" } });
    expect(api.status).toBe(200);
    expect(api.headers.get("access-control-allow-origin")).toBeNull();
  });
});
