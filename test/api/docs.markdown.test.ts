import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it("renders the descriptions' Markdown in /docs instead of showing it raw, and has no internal wording", async () => {
  const html = await (await t.request("/docs", { key: null })).text();
  expect(html).toContain("<strong>Lists.</strong>");
  expect(html).toContain("<code>next_cursor</code>");
  expect(html).not.toMatch(/\*\*\w/);
  // The introduction and operation descriptions are rendered; schema field descriptions are still plain text.
  const intro = html.slice(html.indexOf("<h1>"), html.indexOf('class="facts-list"'));
  expect(intro).toContain("<strong>Errors.</strong>");
  expect(intro).not.toContain("`");
  expect(html).not.toMatch(/seed 00\d|pipe0/);
  expect((await t.request("/favicon.ico", { key: null })).headers.get("content-type")).toBe("image/svg+xml");
});
