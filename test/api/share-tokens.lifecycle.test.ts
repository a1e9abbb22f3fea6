import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createProduct, finishedRunWithParkedCell } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
});
afterAll(() => t.close());

const open = async (token: string) => (await t.request(`/share/${token}.csv`, { key: null })).status;
const tokensOf = async (productId: string) =>
  (await (await t.request(`/v1/data-products/${productId}/share-tokens`)).json()).items as Array<{ kind: string; revoked_at: string | null; last_used_at: string | null }>;

describe("share-token lifecycle", () => {
  it("replaces an automatic token nobody opened, keeps one in use, and records its use", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const first = (await createProduct(t, run.id)).body;
    const second = (await createProduct(t, run.id)).body;
    expect(await open(first.shareToken.token)).toBe(404); // never used: replaced by the second
    expect(await open(second.shareToken.token)).toBe(200);
    const third = (await createProduct(t, run.id)).body;
    expect(await open(second.shareToken.token)).toBe(200); // in use: kept
    expect(await open(third.shareToken.token)).toBe(200);
    const manual = await (await t.request(`/v1/data-products/${first.dataProduct.id}/share-tokens`, { method: "POST", json: {} })).json();
    await createProduct(t, run.id);
    expect(await open(manual.token)).toBe(200); // tokens made on purpose are never replaced

    const tokens = await tokensOf(first.dataProduct.id);
    const active = tokens.filter((tk) => !tk.revoked_at);
    expect(active.map((tk) => tk.kind).sort()).toEqual(["automatic", "automatic", "automatic", "manual"]);
    expect(active.filter((tk) => tk.kind === "automatic" && tk.last_used_at === null)).toHaveLength(1);
    expect(tokens.filter((tk) => tk.last_used_at !== null)).toHaveLength(3);
  });

  it("revokes every link on archive for good: reactivation mints a new one and says so", async () => {
    const run = await finishedRunWithParkedCell(t, 2, 0);
    const created = (await createProduct(t, run.id)).body;
    const id = created.dataProduct.id;
    const manual = await (await t.request(`/v1/data-products/${id}/share-tokens`, { method: "POST", json: {} })).json();
    const archived = await t.request(`/v1/data-products/${id}`, { method: "DELETE" });
    expect(await archived.json()).toMatchObject({ status: "archived", revoked_share_tokens: 2 });

    const again = await createProduct(t, run.id);
    expect(again.body).toMatchObject({ dataProduct: { id, status: "active" }, reactivated: true, notice: expect.stringContaining("stay revoked") });
    expect(await open(created.shareToken.token)).toBe(404);
    expect(await open(manual.token)).toBe(404);
    expect(await open(again.body.shareToken.token)).toBe(200);
    const later = await createProduct(t, run.id);
    expect(later.body.reactivated).toBeUndefined();
  });
});
