import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { createProduct, finishedRunWithParkedCell } from "../support/products";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "1000" } });
});
afterAll(() => t.close());

async function product() {
  const run = await finishedRunWithParkedCell(t, 3, 1);
  return (await createProduct(t, run.id, "Shared: Q3 / EU")).body as { dataProduct: { id: string }; shareToken: { token: string } };
}

describe("public share links", () => {
  it("downloads the CSV with no key, with a safe filename, ETag and private cache headers", async () => {
    const { shareToken } = await product();
    const res = await t.request(`/share/${shareToken.token}.csv`, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="Shared_Q3_EU.csv"');
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    const text = await res.text();
    expect(text.split("\r\n")[0]).toBe("invoice_number,total,issued");
    expect(text.split("\r\n")[2]).toBe("INV-1,,2024-04-03");
    const again = await t.request(`/share/${shareToken.token}.csv`, { key: null, headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
  });

  it("renders an accessible HTML preview with headers, row count and a download button", async () => {
    const { shareToken } = await product();
    const res = await t.request(`/share/${shareToken.token}`, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<th scope="col">Invoice number</th>');
    expect(html).toContain("3 rows");
    expect(html).toContain(`href="/share/${shareToken.token}.csv"`);
    expect(html).toContain("INV-0");
    // The parked total, as a number: bounded by non-word characters, since random ids and tokens may hold "25000".
    expect(html).not.toMatch(/(?<![\w-])25,?000(?![\w-])/);
  });

  it("answers the same 404 for unknown, revoked, expired tokens and archived products", async () => {
    const bodies: string[] = [];
    const expect404 = async (path: string) => {
      const res = await t.request(path, { key: null });
      expect(res.status).toBe(404);
      // Each body carries its own request id; everything else must be identical.
      const { request_id: _requestId, ...error } = (await res.json()).error;
      bodies.push(JSON.stringify(error));
    };
    await expect404(`/share/shr_${"x".repeat(43)}.csv`);
    await expect404("/share/not-a-token.csv");

    const revoked = await product();
    const del = await t.request(`/v1/data-products/${revoked.dataProduct.id}/share-tokens/${revoked.shareToken.token}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    await expect404(`/share/${revoked.shareToken.token}.csv`);

    const expiring = await product();
    const before = Date.now();
    const minted = await (await t.request(`/v1/data-products/${expiring.dataProduct.id}/share-tokens`, { method: "POST", json: { expires_in: 60 } })).json();
    // expires_in is seconds; the answer carries both public links of the new token.
    expect(Date.parse(minted.expires_at) - before).toBeGreaterThanOrEqual(59_000);
    expect(Date.parse(minted.expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(minted).toMatchObject({ url: `http://sluice.test/share/${minted.token}`, csv_url: `http://sluice.test/share/${minted.token}.csv`, kind: "manual" });
    expect((await t.request(`/share/${minted.token}.csv`, { key: null })).status).toBe(200);
    await t.db.updateTable("share_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("id", "=", minted.id).execute();
    await expect404(`/share/${minted.token}.csv`);

    const archived = await product();
    await t.request(`/v1/data-products/${archived.dataProduct.id}`, { method: "DELETE" });
    await expect404(`/share/${archived.shareToken.token}.csv`);
    await expect404(`/share/${archived.shareToken.token}`);
    expect(new Set(bodies).size).toBe(1);
  });

  it("stores only a hash of each token and lists tokens without secrets", async () => {
    const { dataProduct, shareToken } = await product();
    const rows = await t.db.selectFrom("share_tokens").selectAll().where("data_product_id", "=", dataProduct.id).execute();
    expect(JSON.stringify(rows)).not.toContain(shareToken.token);
    const listed = await (await t.request(`/v1/data-products/${dataProduct.id}/share-tokens`)).json();
    expect(listed.items).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(shareToken.token);
    expect(shareToken.token.startsWith(listed.items[0].prefix)).toBe(true);
  });

  it("rate limits per client, under a higher ceiling per link: one client cannot lock the others out", async () => {
    const limited = await startTestApp({ env: { SHARE_RATE_LIMIT_REQUESTS: "2", SHARE_TOKEN_RATE_LIMIT_REQUESTS: "5" } });
    try {
      const run = await finishedRunWithParkedCell(limited, 2, 0);
      const { body } = await createProduct(limited, run.id);
      const from = (ip: string) => limited.request(`/share/${body.shareToken.token}.csv`, { key: null, client: ip });
      const a = [];
      let last!: Response;
      for (let i = 0; i < 3; i++) a.push((last = await from("10.0.0.1")).status);
      expect(a).toEqual([200, 200, 429]); // client A's own budget
      expect(last.headers.get("ratelimit-limit")).toBe("2");
      expect(Number(last.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await from("10.0.0.2")).status).toBe(200); // client B is not locked out by A
      expect((await from("10.0.0.2")).status).toBe(200);
      const ceiling = await from("10.0.0.3"); // the link's 6th request: past its ceiling of 5
      expect(ceiling.status).toBe(429);
      expect(ceiling.headers.get("ratelimit-limit")).toBe("5");
    } finally {
      await limited.close();
    }
  });
});
