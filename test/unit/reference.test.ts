import { jsx } from "hono/jsx";
import { describe, expect, it } from "vitest";
import { curlLine } from "../../src/web/reference/curl";
import { referenceHtml, type ApiDocument } from "../../src/web/reference/page";
import { Markdown } from "../../src/web/reference/markdown";
import { skeleton } from "../../src/web/reference/sample";
import { SchemaTree, facts, typeLabel } from "../../src/web/reference/schema";

describe("curl lines", () => {
  it("names the server, the key variable, path ids as variables and the example body, quoted for the shell", () => {
    const line = curlLine("https://api.example/", {
      method: "post", path: "/v1/pipelines/{id}/rerun", needsKey: true, parameters: [{ name: "id", in: "path", required: true }],
      body: { example: { from_phase: "extraction", note: "it's" } },
    });
    expect(line).toBe([
      "curl -X POST",
      '"https://api.example/v1/pipelines/$ID/rerun"',
      '-H "X-API-Key: $SLUICE_API_KEY"',
      '-H "Content-Type: application/json"',
      `-d '{\n    "from_phase": "extraction",\n    "note": "it'\\''s"\n  }'`,
    ].join(" \\\n  "));
  });

  it("leaves the key out where none is needed, adds required query and header parameters, and -N for event streams", () => {
    expect(curlLine("http://localhost:8787", { method: "get", path: "/healthz", needsKey: false, parameters: [] }))
      .toBe('curl \\\n  "http://localhost:8787/healthz"');
    const events = curlLine("http://h", {
      method: "get", path: "/v1/pipelines/{id}/events", needsKey: true, streams: true,
      parameters: [{ name: "format", in: "query", required: true }, { name: "limit", in: "query" }, { name: "Last-Event-ID", in: "header", required: true }],
    });
    expect(events).toContain('curl -N \\\n  "http://h/v1/pipelines/$ID/events?format=$FORMAT"');
    expect(events).toContain('-H "Last-Event-ID: $LAST_EVENT_ID"');
  });

  it("builds a body of the required fields from the schema when the document has no example, never a file the reader lacks", () => {
    const components = { Source: { type: "object", required: ["file_url"], properties: { file_url: { type: "string", format: "uri" } } } };
    const body = skeleton({
      type: "object",
      required: ["name", "documents", "mode", "limit"],
      properties: {
        name: { type: "string" },
        documents: { type: "array", minItems: 1, items: { $ref: "#/components/schemas/Source" } },
        mode: { enum: ["fast", "careful"] },
        limit: { type: "integer", minimum: 5 },
        note: { type: "string" },
      },
    }, components);
    expect(body).toEqual({ name: "…", documents: [{ file_url: "https://example.com/file.pdf" }], mode: "fast", limit: 5 });
    const line = curlLine("http://h", { method: "post", path: "/x", needsKey: true, parameters: [], body: { example: body } });
    expect(line).toContain(`-d '{\n    "name": "…",`);
    expect(line).not.toContain("@");
  });
});

describe("Markdown in descriptions", () => {
  const html = (text: string) => String(jsx(Markdown, { text }));
  it("renders paragraphs, lists, fenced code and inline marks as elements, with text escaped", () => {
    const out = html("**Lists.** Send `next_cursor` back, see [the guide](/docs#x).\n\n- one *thing*\n- two\n  wrapped\n\n```json\n{\"a\": \"<b>\"}\n```");
    expect(out).toContain("<p><strong>Lists.</strong> Send <code>next_cursor</code> back, see <a href=\"/docs#x\">the guide</a>.</p>");
    expect(out).toContain("<ul class=\"md-list\"><li>one <em>thing</em></li><li>two wrapped</li></ul>");
    expect(out).toContain("<pre class=\"md-code\"><code class=\"language-json\">{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</code></pre>");
    expect(out).not.toMatch(/\*\*|`/);
  });
  it("leaves snake_case names and a javascript: link inert", () => {
    expect(html("use document_id_here")).toBe("<p>use document_id_here</p>");
    expect(html("[x](javascript:alert(1))")).toContain('<a href="#">x</a>');
  });
});

describe("schema phrases", () => {
  it("reads nullable, arrays, refs and constraints as a person would", () => {
    expect(typeLabel({ anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] })).toBe("string or null");
    expect(typeLabel({ type: "array", items: { $ref: "#/components/schemas/Pipeline" } })).toBe("array of Pipeline");
    expect(facts({ type: "integer", minimum: 1, maximum: 1000, default: 100 })).toEqual(["≥ 1", "≤ 1000", "default 100"]);
    expect(facts({ enum: Array.from({ length: 14 }, (_, i) => `c${i}`) }).at(-1)).toBe("one of: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, … (2 more)");
  });

  it("names a union's variants by title, by the value of the property that tells them apart, else by type", () => {
    const phase = (type: string) => ({ type: "object", properties: { type: { const: type }, options: { type: "object" } } });
    const phases = { oneOf: [phase("transfer"), phase("extraction"), { title: "Checks", type: "object", properties: { type: { enum: ["validation"] } } }] };
    expect(typeLabel(phases)).toBe("one of, chosen by type");
    const tree = String(jsx(SchemaTree, { schema: phases, ctx: { components: {}, open: [] } }));
    // Each variant's own fields (type, options) are listed under it.
    expect(tree.match(/<code class="name">[^<]+<\/code>/g)?.filter((n) => !/>(type|options)</.test(n))).toEqual([
      '<code class="name">transfer</code>', '<code class="name">extraction</code>', '<code class="name">Checks</code>',
    ]);
    expect(tree).not.toContain("variant");
    // Variants that are named components are named by their tag value too; an enum component shows its values inline.
    const components = {
      TransferPhase: { type: "object", properties: { type: { const: "transfer" } } },
      ExtractionPhase: { type: "object", properties: { type: { const: "extraction" }, status: { $ref: "#/components/schemas/CellStatus" } } },
      CellStatus: { type: "string", enum: ["completed", "no_result"] },
    };
    const byRef = String(jsx(SchemaTree, {
      schema: { oneOf: [{ $ref: "#/components/schemas/TransferPhase" }, { $ref: "#/components/schemas/ExtractionPhase" }] },
      ctx: { components, open: [] },
    }));
    expect(byRef).toContain('<code class="name">transfer</code> <span class="type"><a href="#schema-TransferPhase">TransferPhase</a></span>');
    expect(byRef).toContain('<code class="name">extraction</code>');
    expect(byRef).toContain('<a href="#schema-CellStatus">CellStatus</a></span><span class="fact">one of: completed, no_result</span>');
    expect(byRef).not.toContain("fields of CellStatus");
    const mixed = String(jsx(SchemaTree, { schema: { anyOf: [{ type: "string" }, { type: "object" }, { type: "object" }] }, ctx: { components: {}, open: [] } }));
    expect(mixed.match(/<code class="name">[^<]+<\/code>/g)).toEqual([
      '<code class="name">string</code>', '<code class="name">object (2)</code>', '<code class="name">object (3)</code>',
    ]);
  });
});

const doc: ApiDocument = {
  info: { title: "T", version: "1" },
  servers: [{ url: "http://t.example" }],
  paths: {
    "/v1/things": {
      post: {
        operationId: "createThing",
        summary: "Create a thing",
        tags: ["things"],
        security: [{ apiKey: [] }],
        requestBody: { required: true, content: { "application/json": {
          schema: { type: "object", required: ["name"], properties: { name: { type: "string", description: "what it is called" } } },
          example: { name: "crate" },
        } } },
        responses: {
          201: { description: "Created", content: { "application/json": {
            schema: { $ref: "#/components/schemas/Thing" }, examples: { made: { $ref: "#/components/examples/Made" } },
          } } },
          409: { description: "Exists", content: { "application/json": {
            schema: { $ref: "#/components/schemas/Error" }, example: { error: { code: "conflict" } },
          } } },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        required: ["id"],
        properties: {
          id: { type: "string", format: "uuid" },
          parts: { type: "array", items: { $ref: "#/components/schemas/Thing" } },
          maker: { anyOf: [{ $ref: "#/components/schemas/Maker" }, { type: "null" }] },
        },
      },
      Maker: { type: "object", properties: { country: { type: "string", description: "where it was made" } } },
      Error: { type: "object", properties: { error: { type: "object" } } },
    },
    examples: { Made: { summary: "a new crate", value: { id: "6b1c5d5e-0000-4000-8000-000000000001", parts: [] } } },
  },
};

describe("the reference page", () => {
  it("shows operationId, curl with the example body, resolved and linked refs, and every example", async () => {
    const html = await referenceHtml(doc);
    expect(html).toContain('<section id="post-v1-things"');
    expect(html).toContain("<code>createThing</code>");
    expect(html).toContain("-d &#39;{\n    &quot;name&quot;: &quot;crate&quot;\n  }&#39;");
    expect(html).toContain('<span class="req">required</span>');
    expect(html).toContain("what it is called");
    // The ref is a link to the component, resolved in place once; the self-reference inside stops there.
    expect(html).toContain('<a href="#schema-Thing">Thing</a>');
    expect(html).toContain('id="schema-Thing"');
    expect(html.match(/<summary>fields of Thing<\/summary>/g)).toHaveLength(1);
    expect(html).toContain('<a href="#schema-Maker">Maker</a> or null');
    expect(html).toContain("<summary>fields of Maker</summary>");
    expect(html).toContain("Example: a new crate");
    expect(html).toContain("6b1c5d5e-0000-4000-8000-000000000001");
    // An error response that shares the envelope links it and still shows its own example.
    expect(html).toContain('409</span> Exists (<a href="#schema-Error">Error</a>)');
    expect(html).toContain("&quot;conflict&quot;");
    expect(html).toContain('<a class="op" href="#post-v1-things">');
  });
});
