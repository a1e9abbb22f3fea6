import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";

let t: TestApp;
let html: string;
beforeAll(async () => {
  t = await startTestApp();
  html = await (await t.request("/docs", { key: null })).text();
});
afterAll(() => t.close());

/** The page without what is code by nature: curl lines, examples, inline code and the search index. */
const prose = (page: string) => page
  .replace(/<pre[\s\S]*?<\/pre>/g, "")
  .replace(/<code[^>]*>[\s\S]*?<\/code>/g, "")
  .replace(/<script type="application\/json"[\s\S]*?<\/script>/g, "");

it("renders the descriptions' Markdown in /docs instead of showing it raw, and has no internal wording", async () => {
  expect(html).toContain("<strong>Lists.</strong>");
  expect(html).toContain("<code>next_cursor</code>");
  const intro = html.slice(html.indexOf("<h1"), html.indexOf('class="facts-list"'));
  expect(intro).toContain("<strong>Errors.</strong>");
  // Operation, parameter and schema field descriptions alike: no Markdown marker is left in the prose.
  expect(html).toContain("<code>documents.0.file_url</code>");
  expect(prose(html)).not.toMatch(/\*\*|`/);
  expect(html).not.toMatch(/seed 00\d|pipe0|variant \d/);
  expect((await t.request("/favicon.ico", { key: null })).headers.get("content-type")).toBe("image/svg+xml");
});

it("carries a search index of every operation, each pointing at its section, and loads its script from our origin", async () => {
  const doc = await (await t.request("/openapi.json", { key: null })).json() as { paths: Record<string, Record<string, { operationId?: string }>> };
  const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  const block = /<script type="application\/json" id="search-index">([\s\S]*?)<\/script>/.exec(html);
  const index = JSON.parse(block![1]) as Array<{ a: string; m: string; p: string; s: string; t: string }>;
  expect(index.map((e) => `${e.m} ${e.p}`).sort()).toEqual(operations.sort());
  for (const e of index) expect(html).toContain(`<section id="${e.a}" class="operation"`);
  expect(index.find((e) => e.p === "/v1/pipelines/{id}/rerun")).toMatchObject({ m: "POST", t: "pipelines", s: expect.stringMatching(/rerun/i) });

  const script = /<script src="(\/assets\/reference-\w+\.js)"/.exec(html)![1];
  const served = await t.request(script, { key: null });
  expect(served.headers.get("content-type")).toContain("text/javascript");
  expect(await served.text()).toContain("search-index");
  // The only script elements: our own file and the data block, which the CSP lets through because it never runs.
  expect(html.match(/<script(?![^>]*(src="\/assets\/|type="application\/json"))/g)).toBeNull();
});
