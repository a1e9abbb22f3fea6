import { describeRoute } from "hono-openapi";
import { Hono } from "hono";
import * as v from "valibot";
import { mintApiKey, SCOPES } from "../api-keys";
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from "../db/queries/api-keys";
import { ApiError, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import { IdParam } from "./params";

const CreateApiKeyBody = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)),
  scopes: v.pipe(v.array(v.picklist(SCOPES)), v.minLength(1), v.maxLength(3)),
});

const present = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  created_at: row.created_at,
  revoked_at: row.revoked_at,
});

/** Managing keys needs `admin`; the secret is in the create response and nowhere else. */
export const apiKeyRoutes = new Hono<AppEnv>()
  .use("/api-keys", requireScope("admin"))
  .use("/api-keys/*", requireScope("admin"))
  .post("/api-keys", describeRoute({
    summary: "Create an API key (shown once)",
    tags: ["api-keys"],
    responses: success(201, "The key; its secret `key` appears in this response and nowhere else"),
  }), valid("json", CreateApiKeyBody), async (c) => {
    const body = c.req.valid("json");
    const { db } = c.get("services");
    const key = await mintApiKey();
    const row = await insertApiKey(db, {
      organizationId: c.get("caller").organizationId,
      name: body.name,
      prefix: key.prefix,
      hash: key.hash,
      scopes: [...new Set(body.scopes)],
    });
    return c.json({ ...present(row), key: key.secret }, 201);
  })
  .get("/api-keys", describeRoute({
    summary: "List API keys",
    tags: ["api-keys"],
    responses: success(200, "The organization's keys, without secrets"),
  }), async (c) => {
    const rows = await listApiKeys(c.get("services").db, c.get("caller").organizationId);
    return c.json({ items: rows.map(present) });
  })
  .get("/api-keys/:id", describeRoute({
    summary: "Get an API key",
    tags: ["api-keys"],
    responses: success(200, "The key, without its secret"),
  }), valid("param", IdParam), async (c) => {
    const row = await findApiKey(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!row) throw notFound("API key");
    return c.json(present(row));
  })
  .delete("/api-keys/:id", describeRoute({
    summary: "Revoke an API key",
    tags: ["api-keys"],
    responses: {
      ...success(200, "The revoked key"),
      409: { description: "The key making the request cannot revoke itself" },
    },
  }), valid("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    const caller = c.get("caller");
    // Revoking the key in hand would lock the caller out mid-session; do it with another key.
    if (id === caller.keyId) throw new ApiError("conflict", "cannot revoke the API key used for this request");
    const { db, clock } = c.get("services");
    const row = await revokeApiKey(db, caller.organizationId, id, clock.now());
    if (!row) throw notFound("API key");
    return c.json(present(row));
  });
