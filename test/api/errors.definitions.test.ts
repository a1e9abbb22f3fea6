import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/harness";
import { invoiceDefinition, invoiceDocuments } from "../support/pipelines";

/** A definition's problems come back in one answer: the schema's and the cross-field checks' together, each at its path. */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Detail = { path: string; message: string };
const detailsOf = async (res: Response) => {
  expect(res.status).toBe(400);
  return (await res.json()).error.details as Detail[];
};
const messageAt = (details: Detail[], path: string) => details.find((d) => d.path === path)?.message;
const post = (path: string, json: unknown) => t.request(path, { method: "POST", json });

/** A definition with one schema mistake (a misspelt type) and several a schema cannot see. */
const mistaken = {
  fields: [
    { name: "total", type: "nubmer", extract: [{ type: "label", labels: ["Total"] }] },
    { name: "net", type: "number", expression: "totl * 0.8" },
    { name: "net", type: "string" },
  ],
  phases: [
    { type: "extraction" },
    { type: "resolution" },
    { type: "validation", gates: [{ id: "g", mode: "blocking", rules: [{ rule: "required", field: "totl" }] }] },
  ],
};

function expectEveryProblem(details: Detail[]) {
  expect(messageAt(details, "fields.0.type")).toMatch(/did you mean "number"/);
  expect(messageAt(details, "phases.0.type")).toBe("the first phase must be transfer");
  expect(messageAt(details, "fields.2.name")).toMatch(/duplicate/);
  expect(messageAt(details, "phases.2.gates.0.rules.0.field")).toBe("unknown field 'totl'; did you mean 'total'?");
  expect(messageAt(details, "fields.1.expression")).toBe("refers to unknown field 'totl'; did you mean 'total'?");
}

describe("a refused template", () => {
  it("on create lists the schema mistake and every cross-field problem at once", async () => {
    expectEveryProblem(await detailsOf(await post("/v1/templates", { name: "Invoices", ...mistaken })));
  });

  it("with a valid shape lists definition and undeclared-context problems together", async () => {
    const fields = [invoiceDefinition.fields[1], { name: "net", type: "number", expression: "total * $context.rate" }];
    const phases = [{ type: "extraction" }, { type: "resolution" }];
    const details = await detailsOf(await post("/v1/templates", { name: "Invoices", fields, phases }));
    expect(messageAt(details, "phases.0.type")).toBe("the first phase must be transfer");
    expect(messageAt(details, "fields.1.expression")).toBe("reads $context.rate, which context_vars does not declare");
  });

  it("on PATCH lists the schema mistake and the cross-field problems of the draft it would make", async () => {
    const created = await post("/v1/templates", { name: "Invoices", ...invoiceDefinition });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const res = await t.request(`/v1/templates/${id}`, {
      method: "PATCH",
      json: { phases: [{ type: "extraction" }, { type: "resolutoin" }, { type: "validation", gates: [{ id: "g", mode: "blocking", rules: [{ rule: "required", field: "totl" }] }] }] },
    });
    const details = await detailsOf(res);
    expect(messageAt(details, "phases.1.type")).toMatch(/did you mean "resolution"/);
    expect(messageAt(details, "phases.0.type")).toBe("the first phase must be transfer");
    expect(messageAt(details, "phases.2.gates.0.rules.0.field")).toMatch(/totl/);
    // The stored draft is unchanged.
    expect((await (await t.request(`/v1/templates/${id}`)).json()).phases).toEqual(invoiceDefinition.phases);
  });
});

describe("a refused pipeline definition", () => {
  it("lists the schema mistake and every cross-field problem at once", async () => {
    expectEveryProblem(await detailsOf(await post("/v1/pipelines", { ...mistaken, documents: invoiceDocuments(1) })));
  });
});
