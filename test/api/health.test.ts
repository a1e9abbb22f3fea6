import { describe, expect, it } from "vitest";
import { startTestApp } from "../support/harness";
import { VERSION } from "../../src/version";

describe("GET /healthz", () => {
  it("answers ok after a database round trip, and a 503 envelope once the database is gone", async () => {
    const t = await startTestApp();
    const up = await t.request("/healthz", { key: null });
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "ok", db: "ok", version: VERSION });

    await t.close();
    const down = await t.request("/healthz", { key: null });
    expect(down.status).toBe(503);
    const { error } = await down.json();
    expect(error).toMatchObject({ code: "service_unavailable", message: `database unreachable (version ${VERSION})` });
  });
});
