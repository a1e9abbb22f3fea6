/**
 * A client generated from /openapi.json by openapi-typescript, driven with openapi-fetch through a
 * whole flow: create a run, poll it, read its records, make a data product, read its rows, decide
 * the review it needs, mint a share token and download the public CSV. CI type-checks this file
 * strictly against the freshly generated types (`npm run typecheck`), and test/api/typed-client.test.ts
 * runs it against the app, so the document, the types and the server cannot drift apart.
 *
 * Run it against a server: SLUICE_URL=http://localhost:8787 SLUICE_KEY=sk_… npx tsx examples/typed-client.ts
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./sluice-api";

export type SluiceClient = Client<paths>;

export function sluiceClient(baseUrl: string, apiKey: string, fetch?: (request: Request) => Promise<Response>): SluiceClient {
  return createClient<paths>({ baseUrl, headers: { "X-API-Key": apiKey }, ...(fetch ? { fetch } : {}) });
}

const INVOICE = "ACME Ltd\nInvoice No: INV-7\nDate: 03/04/2024\nTotal: 25000.00\n";

/** Every step of a first session with the API; returns what a caller would look at. */
export async function fullFlow(client: SluiceClient, wait: () => Promise<void> = () => new Promise((r) => setTimeout(r, 250))) {
  const created = await client.POST("/v1/pipelines", {
    body: {
      name: "typed client flow",
      documents: [{ id: "inv-7", text: INVOICE }],
      fields: [
        { name: "invoice_number", type: "string", extract: [{ type: "label", labels: ["Invoice No"] }] },
        { name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] },
      ],
      phases: [
        { type: "transfer" },
        { type: "extraction" },
        { type: "resolution" },
        { type: "validation", gates: [{ id: "sane_total", mode: "blocking", rules: [{ rule: "max", field: "total", value: 10000 }] }] },
      ],
    },
  });
  if (!created.data) throw new Error(`create failed: ${created.error?.error.message}`);
  const id = created.data.id;

  let run = created.data;
  while (run.status === "running") {
    await wait();
    const polled = await client.GET("/v1/pipelines/{id}", { params: { path: { id } } });
    if (!polled.data) throw new Error(`poll failed: ${polled.error?.error.message}`);
    run = polled.data;
  }

  const records = await client.GET("/v1/pipelines/{id}/records", { params: { path: { id } } });
  if (!records.data) throw new Error("records failed");

  const product = await client.POST("/v1/pipelines/{id}/data-product", { params: { path: { id } }, body: { name: "Invoices" } });
  if (!product.data) throw new Error(`data product failed: ${product.error?.error.message}`);
  const productId = product.data.dataProduct.id;

  const reviews = await client.GET("/v1/data-products/{id}/reviews", { params: { path: { id: productId }, query: { status: "open" } } });
  const item = reviews.data?.items[0];
  if (!item) throw new Error("expected a parked cell to review");
  const decision = await client.POST("/v1/reviews/{item_id}/decision", {
    params: { path: { item_id: item.id } },
    body: { decision: "approve", comment: "checked against the PDF" },
  });
  if (!decision.data) throw new Error(`decision failed: ${decision.error?.error.message}`);
  // The parked cell kept the run `partial`; decided, the run is `completed`.
  const reviewed = await client.GET("/v1/pipelines/{id}", { params: { path: { id } } });
  if (!reviewed.data) throw new Error(`poll failed: ${reviewed.error?.error.message}`);

  const rows = await client.GET("/v1/data-products/{id}/rows", { params: { path: { id: productId }, query: { limit: 50 } } });
  if (!rows.data) throw new Error("rows failed");

  const token = await client.POST("/v1/data-products/{id}/share-tokens", { params: { path: { id: productId } }, body: { expires_in: 3600 } });
  if (!token.data) throw new Error(`share token failed: ${token.error?.error.message}`);

  const csv = await client.GET("/v1/data-products/{id}/export.csv", { params: { path: { id: productId } }, parseAs: "text" });
  if (csv.data === undefined) throw new Error("export failed");

  return {
    status: reviewed.data.status,
    recordCount: Object.keys(records.data.records).length,
    reviewedField: item.field,
    decision: decision.data.decision,
    rows: rows.data.items.length,
    shareUrl: token.data.url,
    shareCsvUrl: token.data.csv_url,
    csv: csv.data,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { SLUICE_URL = "http://localhost:8787", SLUICE_KEY } = process.env;
  if (!SLUICE_KEY) throw new Error("set SLUICE_KEY to an API key with write scope");
  console.log(await fullFlow(sluiceClient(SLUICE_URL, SLUICE_KEY)));
}
