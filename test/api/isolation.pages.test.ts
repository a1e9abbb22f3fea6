import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createPipeline, invoiceText, settle } from "../support/pipelines";
import { createProduct, openReviews } from "../support/products";

/**
 * Pages that stay small whatever the data: a review item on a page of 200,000 words, a shared
 * table with a 200,000-character value; and the loose ends of #27 (nosniff, no-store 404s, bidi
 * isolation, decisions on archived products, Secure from configuration).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
});
afterAll(() => t.close());

const ORIGIN = "http://sluice.test";

/** One A4 page: an invoice's lines, then 2,000 tiny lines of 100 words each (200,000 words). */
async function wordHeavyPdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  invoiceText(1, 25_000).split("\n").forEach((line, i) => page.drawText(line, { x: 20, y: 820 - i * 12, size: 10, font }));
  for (let l = 0; l < 2000; l++) {
    page.drawText(Array.from({ length: 100 }, (_, w) => `w${w}`).join(" "), { x: 20, y: 760 - l * 0.35, size: 1, font });
  }
  return pdf.save();
}

async function signedIn() {
  const res = await t.request("/review/sign-in", {
    method: "POST", key: null, body: new URLSearchParams({ key: await t.createKey(["write"]) }), headers: { origin: ORIGIN },
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

/** A finished run whose one document is `text` with a total parked for review, and its product. */
async function parkedProduct(content: string | Uint8Array, name?: string, filename?: string) {
  const document = typeof content === "string" ? { text: content } : { content_base64: Buffer.from(content).toString("base64"), filename };
  const { res, body } = await createPipeline(t, { documents: [{ id: "doc", ...document }] });
  expect(res.status).toBe(202);
  await settle(t);
  return (await createProduct(t, body.id, name)).body as { dataProduct: { id: string }; shareToken: { token: string } };
}

describe("pages stay bounded", () => {
  it("renders a review item on a page of over 100,000 words, drawing at most 2,000 of them", async () => {
    const { dataProduct } = await parkedProduct(await wordHeavyPdf(), undefined, "dense.pdf");
    const jar = await signedIn();
    const redirect = await t.request(`/review/products/${dataProduct.id}`, { key: null, headers: { cookie: jar } });
    expect(redirect.status).toBe(303);
    const started = performance.now();
    const item = await t.request(redirect.headers.get("location")!, { key: null, headers: { cookie: jar, accept: "text/html" } });
    const html = await item.text();
    expect(item.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(html.length).toBeLessThan(1024 * 1024);
    expect(html.match(/<text /g)!.length).toBeLessThanOrEqual(2000);
    const total = Number(/2000 of its (\d+) words drawn/.exec(html)?.[1]);
    expect(total).toBeGreaterThan(100_000); // the layout joins some of the tiny overlapping lines' words
  });

  it("cuts a long value on the share page and links to the CSV that has all of it", async () => {
    const { res, body } = await createPipeline(t, {
      fields: [
        { name: "invoice_number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
        { name: "long", type: "string", expression: `$pad("", 200000, "y")` },
      ],
      phases: [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }],
      documents: [{ text: invoiceText(1) }],
    });
    expect(res.status).toBe(202);
    await settle(t);
    const { shareToken } = (await createProduct(t, body.id)).body;
    const page = await t.request(`/share/${shareToken.token}`, { key: null, headers: { accept: "text/html" } });
    const html = await page.text();
    expect(html.length).toBeLessThan(100_000);
    expect(html).toContain("all 200000 characters (CSV)");
    const csv = await (await t.request(`/share/${shareToken.token}.csv`, { key: null })).text();
    expect(csv).toContain("y".repeat(200_000));
  });
});

describe("loose ends", () => {
  it("sends nosniff on JSON, CSV, pages and errors; no-store on share 404s", async () => {
    for (const path of ["/openapi.json", "/healthz", "/v1/pipelines/nope", "/share/shr_unknown"]) {
      const res = await t.request(path, { key: path.startsWith("/v1") ? undefined : null });
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    for (const accept of ["text/html", "application/json"]) {
      const gone = await t.request("/share/shr_unknown", { key: null, headers: { accept } });
      expect(gone.status).toBe(404);
      expect(gone.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("isolates bidi controls of a product's name in the share page's title and heading", async () => {
    const { shareToken } = await parkedProduct(invoiceText(2), "Invoices \u202Efdp.exe");
    const html = await (await t.request(`/share/${shareToken.token}`, { key: null, headers: { accept: "text/html" } })).text();
    expect(html).not.toContain("\u202E");
    expect(html).toContain("<title>\u2068Invoices fdp.exe\u2069");
    expect(html).toContain("<h1>\u2068Invoices fdp.exe\u2069</h1>");
  });

  it("refuses a decision on an archived product's item with a 409", async () => {
    const { dataProduct } = await parkedProduct(invoiceText(3, 25_000));
    const [item] = await openReviews(t, dataProduct.id);
    expect((await t.request(`/v1/data-products/${dataProduct.id}`, { method: "DELETE" })).status).toBeLessThan(300);
    const res = await t.request(`/v1/reviews/${item.id}/decision`, { method: "POST", json: { decision: "approve" } });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("conflict");
  });

  it("sets the cookie's Secure from PUBLIC_URL, whatever Host the client sends", async () => {
    const key = await t.createKey(["write"]);
    const res = await t.app.request("http://localhost/review/sign-in", {
      method: "POST", body: new URLSearchParams({ key }), headers: { origin: "http://localhost", host: "localhost" },
    });
    expect(res.headers.get("set-cookie") ?? "").toContain("Secure");
  });
});
