import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config";
import type { AppEnv, Services } from "../../src/http/env";
import { reply, schemaProblem } from "../../src/http/respond";

const Run = v.object({ id: v.string(), created: v.string(), steps: v.array(v.object({ phase: v.number() })) });
const created = new Date("2026-12-07T16:00:00.000Z");

/** An app whose one route answers `body` through reply(), logging into `logged`. */
function appAnswering(responseCheck: Config["responseCheck"], body: unknown) {
  const logged: Array<Record<string, unknown> | undefined> = [];
  const services = { config: { responseCheck }, logger: { info() {}, warn() {}, error: (_msg: string, fields?: Record<string, unknown>) => logged.push(fields) } };
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set("services", services as unknown as Services);
      await next();
    })
    .get("/runs/:id", (c) => reply(c, Run, body))
    .onError((error, c) => c.json({ error: error.message }, 500));
  return { app, logged };
}

describe("reply", () => {
  it("sends the presenter's body once serialised, Dates as ISO strings", async () => {
    const { app } = appAnswering("strict", { id: "r1", created, steps: [{ phase: 0 }] });
    const res = await app.request("/runs/r1");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "r1", created: "2026-12-07T16:00:00.000Z", steps: [{ phase: 0 }] });
  });

  it("strict: a field the schema does not declare, however deep, is a 500 naming its path", async () => {
    const { app } = appAnswering("strict", { id: "r1", created, steps: [{ phase: 0, secret: "x" }] });
    const res = await app.request("/runs/r1");
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "response breaks its schema at steps.0.secret: not declared by the schema" });
  });

  it("strict: a value of the wrong type is a 500 naming its path", async () => {
    const { app } = appAnswering("strict", { id: "r1", created, steps: [{ phase: "0" }] });
    const res = await app.request("/runs/r1");
    expect(res.status).toBe(500);
    expect((await res.json()).error).toMatch(/^response breaks its schema at steps\.0\.phase: /);
  });

  it("sample: one answer in 100 is checked, and a broken one is logged and still sent", async () => {
    const { app, logged } = appAnswering("sample", { id: "r1", created, steps: [], extra: 1 });
    const statuses = [];
    for (let i = 0; i < 200; i++) statuses.push((await app.request("/runs/r1")).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(logged).toEqual([
      { route: "/runs/:id", problem: "extra: not declared by the schema" },
      { route: "/runs/:id", problem: "extra: not declared by the schema" },
    ]);
  });

  it("off: nothing is checked", async () => {
    const { app, logged } = appAnswering("off", { id: 1 });
    expect((await app.request("/runs/r1")).status).toBe(200);
    expect(logged).toEqual([]);
  });
});

describe("schemaProblem", () => {
  it("accepts a body that keeps to its schema, records and optional fields included", () => {
    const schema = v.object({ counts: v.record(v.string(), v.number()), note: v.optional(v.string()) });
    expect(schemaProblem(schema, { counts: { complete: 2, error: 0 }, note: undefined })).toBeUndefined();
  });
});
