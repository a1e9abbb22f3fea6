import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeEncryptedPdf, makePdf, startFileServer } from "../support/documents";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";

let t: TestApp;
let files: Awaited<ReturnType<typeof startFileServer>>;
let pdf: Uint8Array;
let feedTotal = "1.00";
const MAX_FILE = 64 * 1024;

const html = `<!doctype html><html><head><title>x</title><script>var hidden = "Total: 999";</script></head>
<body><h1>Order O-7</h1><p>Customer: Jane Roe</p><table><tr><th>Item</th><th>Amount</th></tr><tr><td>Widget</td><td>12,50</td></tr></table></body></html>`;

beforeAll(async () => {
  pdf = await makePdf([["Invoice No: P-1", "Date: 2024-04-03"], ["Total: 10.00"], ["Total: 30.00"]]);
  files = await startFileServer({
    "/invoice.pdf": (_req, res) => res.writeHead(200, { "content-type": "application/pdf" }).end(Buffer.from(pdf)),
    "/page.html": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html),
    "/data.csv": (_req, res) => res.writeHead(200, { "content-type": "text/csv" }).end("number,total\nC-1,9.90\n"),
    "/data.json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ invoice: { number: "J-2", total: 4.5 } })),
    "/feed.txt": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`Invoice No: FEED\nTotal: ${feedTotal}\n`),
    "/to-json": (_req, res) => res.writeHead(302, { location: "/data.json" }).end(),
    "/to-private": (_req, res) => res.writeHead(302, { location: "http://10.0.0.7/secret" }).end(),
    "/endless": (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = "x".repeat(16 * 1024);
      const write = () => { while (res.write(chunk)); };
      res.on("drain", write);
      write();
      res.on("close", () => res.removeAllListeners("drain"));
    },
  });
  t = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1", MAX_FILE_BYTES: String(MAX_FILE) } });
});
afterAll(async () => {
  await t.close();
  await files.close();
});

const fields = [
  { name: "number", type: "string", extract: [{ type: "json_pointer", pointer: "/invoice/number" }, { type: "table", column: "number" }, { type: "label", labels: ["Invoice No", "Order"] }] },
  { name: "total", type: "number", extract: [{ type: "json_pointer", pointer: "/invoice/total" }, { type: "table", column: "total" }, { type: "table", column: "Amount" }, { type: "label", labels: ["Total"] }] },
  { name: "customer", type: "string", extract: [{ type: "label", labels: ["Customer"] }] },
];
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }];
const sync = async (body: Record<string, unknown>) => {
  const res = await t.request("/v1/pipelines/sync", { method: "POST", json: { fields, phases, ...body } });
  expect(res.status).toBe(200);
  return res.json();
};
const recordsOf = (records: { order: string[]; records: Record<string, { fields: Record<string, { value: unknown; meta: { provenance?: { page: number } } }> }> }) =>
  records.order.map((id) => records.records[id].fields);

describe("transfer: formats, inputs and limits", () => {
  it("reads a multi-page PDF by URL within a page range, numbering pages as in the source", async () => {
    const records = await sync({ documents: [{ file_url: `${files.base}/invoice.pdf` }], page_range: "0,2" });
    const [doc] = recordsOf(records);
    expect(doc.number.value).toBe("P-1");
    expect(doc.total.value).toBe(30);
    expect(doc.total.meta.provenance).toMatchObject({ extractor: "label", page: 2 });
    // The box of "30.00" in points from the top-left: drawn at x 50 (after "Total: "), baseline 780 of 842, 12 pt.
    const [x0, y0, x1, y1] = (doc.total.meta.provenance as unknown as { bbox: number[] }).bbox;
    expect([x0 > 60 && x1 < 140, y0 > 842 - 780 - 12 && y1 < 842 - 780 + 4]).toEqual([true, true]);
    const detail = await (await t.request(`/v1/pipelines/${records.id}`)).json();
    expect(detail.usage.pages).toBe(2);
  });

  it("reads HTML (visible text, tables as tables), CSV and JSON by URL, following a redirect", async () => {
    const records = await sync({ documents: [{ file_url: `${files.base}/page.html` }, { file_url: `${files.base}/data.csv` }, { file_url: `${files.base}/to-json` }] });
    const [page, csv, json] = recordsOf(records);
    expect([page.number.value, page.total.value, page.customer.value]).toEqual(["O-7", 12.5, "Jane Roe"]);
    expect([csv.number.value, csv.total.value]).toEqual(["C-1", 9.9]);
    expect([json.number.value, json.total.value]).toEqual(["J-2", 4.5]);
  });

  it("takes multipart uploads (file.0, file.1) with the definition as form fields", async () => {
    const form = new FormData();
    form.set("fields", JSON.stringify(fields));
    form.set("phases", JSON.stringify(phases));
    form.set("page_range", "0-1");
    form.set("file.1", new Blob([html], { type: "text/html" }), "page.html");
    form.set("file.0", new Blob([pdf as Uint8Array<ArrayBuffer>], { type: "application/pdf" }), "invoice.pdf");
    const res = await t.request("/v1/pipelines/sync", { method: "POST", body: form });
    expect(res.status).toBe(200);
    const [first, second] = recordsOf(await res.json());
    expect([first.number.value, first.total.value]).toEqual(["P-1", 10]);
    expect(second.customer.value).toBe("Jane Roe");

    const bad = new FormData();
    bad.set("fields", "{not json");
    bad.set("phases", JSON.stringify(phases));
    const refused = await t.request("/v1/pipelines", { method: "POST", body: bad });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.details).toEqual([{ path: "fields", message: "must be JSON" }]);
  });

  it("refuses binary uploads with 415, an oversize document or too many with 413, and a bad page range with 400", async () => {
    const png = btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0));
    const image = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ content_base64: png }] } });
    expect(image.status).toBe(415);
    const big = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ text: "x".repeat(MAX_FILE + 1) }] } });
    expect(big.status).toBe(413);
    const many = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: Array.from({ length: 1001 }, () => ({ text: "a" })) } });
    expect(many.status).toBe(413);
    expect((await many.json()).error.details).toEqual([{ path: "documents", message: "at most 1000 items" }]);
    const range = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, page_range: "3-1", documents: [{ text: "a" }] } });
    expect(range.status).toBe(400);
    expect((await range.json()).error.details[0].path).toBe("page_range");
  });

  it("reuses a stored parse of the same content unless skip_cache, and records the lookup", async () => {
    const text = `Invoice No: CACHE-${crypto.randomUUID()}\nTotal: 1.00`;
    const steps = async (id: string) => (await (await t.request(`/v1/pipelines/${id}/steps`)).json()).items.filter((s: { phase_type: string }) => s.phase_type === "transfer");
    const first = await sync({ documents: [{ text }] });
    const second = await sync({ documents: [{ text }] });
    const skipped = await sync({ documents: [{ text }], skip_cache: true });
    const [a] = await steps(first.id);
    const [b] = await steps(second.id);
    const [c] = await steps(skipped.id);
    expect(a).toMatchObject({ cache_hit: false, lookup_key: expect.stringMatching(/^[0-9a-f]{64}\|/) });
    expect(b).toMatchObject({ cache_hit: true, lookup_key: a.lookup_key });
    expect(c).toMatchObject({ cache_hit: false });
    expect(recordsOf(second)[0].number.value).toBe(recordsOf(first)[0].number.value);
    const url = `${files.base}/data.csv`;
    await sync({ documents: [{ file_url: url }] });
    const again = await sync({ documents: [{ file_url: url }] });
    expect((await steps(again.id))[0]).toMatchObject({ cache_hit: true });
  });
});

describe("transfer: unreadable documents", () => {
  it("ends an encrypted PDF in error with a clear reason and no retries, while its sibling completes", async () => {
    const encrypted = btoa(String.fromCharCode(...(await makeEncryptedPdf())));
    const res = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ content_base64: encrypted, filename: "locked.pdf" }, { text: "Total: 3.00" }] } });
    const { id } = await res.json();
    await settle(t);
    const records = await (await t.request(`/v1/pipelines/${id}/records`)).json();
    expect(records.errors).toEqual([expect.objectContaining({ code: "encrypted_pdf", message: "the PDF is encrypted", attempts: 1 })]);
    expect(recordsOf(records)[1].total.value).toBe(3);
  });
});

describe("transfer: reruns", () => {
  it("fetches a URL again on a rerun from transfer, so a changed document is read anew", async () => {
    const res = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ file_url: `${files.base}/feed.txt`, filename: "feed.txt" }] } });
    const { id } = await res.json();
    await settle(t);
    feedTotal = "2.00";
    expect((await t.request(`/v1/pipelines/${id}/rerun`, { method: "POST", json: { from_phase: "transfer" } })).status).toBe(200);
    await settle(t);
    const [doc] = recordsOf(await (await t.request(`/v1/pipelines/${id}/records`)).json());
    expect(doc.total.value).toBe(2);
  });
});

describe("transfer: URL fetches cannot reach private networks", () => {
  it("400s literal loopback, private and metadata addresses, credentials and other schemes at creation", async () => {
    const strict = await startTestApp();
    try {
      for (const url of [`${files.base}/data.csv`, "http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data/", "http://localhost/x", "http://user:pw@example.com/x", "ftp://example.com/x"]) {
        const res = await strict.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ file_url: url }] } });
        expect(res.status, url).toBe(400);
        expect((await res.json()).error.details[0].path, url).toMatch(/^documents\.0/);
      }
    } finally {
      await strict.close();
    }
  });

  it("ends the document in error for a redirect into a private range, a host resolving privately, or an endless body", async () => {
    // DNS answers a private address for every name, as a rebinding attacker's domain would.
    const app = await startTestApp({ env: { FETCH_ALLOW_HOSTS: "127.0.0.1", MAX_FILE_BYTES: String(MAX_FILE) }, resolver: { resolve: async () => ["10.9.8.7"] } });
    const res = await app.request("/v1/pipelines", {
      method: "POST",
      json: { fields, phases, documents: [{ file_url: `${files.base}/to-private` }, { file_url: "http://files.example.test/a.csv" }, { file_url: `${files.base}/endless` }] },
    });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    await settle(app);
    const records = await (await app.request(`/v1/pipelines/${id}/records`)).json();
    await app.close();
    const codes = records.order.map((doc: string) => records.errors.find((e: { record_id: string }) => e.record_id === doc)?.code);
    expect(codes).toEqual(["url_refused", "url_refused", "file_too_large"]);
    expect(records.errors.map((e: { attempts: number }) => e.attempts)).toEqual([1, 1, 1]);
  });
});
