import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { settle } from "../support/pipelines";
import { createProduct } from "../support/products";
import { linesAt, png, render } from "../support/scans";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const fields = [{ name: "total", type: "number", extract: [{ type: "label", labels: ["Total"] }] }];
// No OCR read is this sure: the total goes to review.
const gate = { type: "validation", gates: [{ id: "sure", mode: "blocking", rules: [{ rule: "min_confidence", field: "total", value: 0.999 }] }] };
const phases = [{ type: "transfer" }, { type: "extraction" }, { type: "resolution" }, gate];

async function signedInItemPage() {
  const scan = png(await render(linesAt(["ACME Ltd", "Total: 96.10"]), 200, [360, 288]));
  const run = await t.request("/v1/pipelines", { method: "POST", json: { fields, phases, documents: [{ content_base64: Buffer.from(scan).toString("base64") }] } });
  expect(run.status).toBe(202);
  await settle(t);
  const { body } = await createProduct(t, (await run.json()).id);
  const signIn = await t.request("/review/sign-in", {
    method: "POST", key: null, body: new URLSearchParams({ key: await t.createKey(["write"]) }), headers: { origin: "http://sluice.test" },
  });
  const jar = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
  const first = await t.request(`/review/products/${body.dataProduct.id}`, { key: null, headers: { cookie: jar } });
  const itemPath = first.headers.get("location")!;
  const html = await (await t.request(itemPath, { key: null, headers: { cookie: jar, accept: "text/html" } })).text();
  return { jar, itemPath, html };
}

describe("the review console on a scan", () => {
  it("draws the OCR'd word boxes over the page picture, served as a PNG to the signed-in reviewer only", async () => {
    const { jar, itemPath, html } = await signedInItemPage();
    const href = `${itemPath}/pages/0`;
    expect(html).toContain(`<image href="${href}"`);
    expect(html.match(/<rect class="word"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("<title>96.10</title>");

    const picture = await t.request(href, { key: null, headers: { cookie: jar } });
    expect([picture.status, picture.headers.get("content-type")]).toEqual([200, "image/png"]);
    const bytes = new Uint8Array(await picture.arrayBuffer());
    const view = new DataView(bytes.buffer);
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    // The page is 360 × 288 points: the picture has its shape.
    expect(view.getUint32(16) / view.getUint32(20)).toBeCloseTo(360 / 288, 2);

    expect((await t.request(`${itemPath}/pages/1`, { key: null, headers: { cookie: jar } })).status).toBe(404);
    expect((await t.request(href, { key: null })).status).toBe(303);
  }, 90_000);
});
