import { describe, expect, it } from "vitest";
import { curlLine } from "../../src/web/reference/curl";
import { referenceHtml, type ApiDocument } from "../../src/web/reference/page";
import { facts, typeLabel } from "../../src/web/reference/schema";

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
      `-d '{"from_phase":"extraction","note":"it'\\''s"}'`,
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

  it("sends the caller's own file when a body has required fields and no example, an empty object otherwise", () => {
    const base = { method: "post", path: "/x", needsKey: true, parameters: [] };
    expect(curlLine("http://h", { ...base, body: { required: true } })).toMatch(/-d @body\.json$/);
    expect(curlLine("http://h", { ...base, body: {} })).toMatch(/-d '\{\}'$/);
  });
});

describe("schema phrases", () => {
  it("reads nullable, arrays, refs and constraints as a person would", () => {
    expect(typeLabel({ anyOf: [{ type: "string", format: "date-time" }, { type: "null" }] })).toBe("string or null");
    expect(typeLabel({ type: "array", items: { $ref: "#/components/schemas/Pipeline" } })).toBe("array of Pipeline");
    expect(facts({ type: "integer", minimum: 1, maximum: 1000, default: 100 })).toEqual(["≥ 1", "≤ 1000", "default 100"]);
    expect(facts({ enum: Array.from({ length: 14 }, (_, i) => `c${i}`) }).at(-1)).toBe("one of: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, … (2 more)");
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
    expect(html).toContain("-d &#39;{&quot;name&quot;:&quot;crate&quot;}&#39;");
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
    expect(html).toContain('<a href="#post-v1-things">');
  });
});
