import { describeRoute } from "hono-openapi";
import { idempotentWrite } from "./idempotency";
import { Hono } from "hono";
import * as v from "valibot";
import { named } from "../named-schema";
import { mintApiKey, SCOPES } from "../api-keys";
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from "../db/queries/api-keys";
import { ApiError, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv } from "../http/env";
import { listPage, wholeList } from "../http/list";
import { failure, success } from "../http/openapi";
import { forgetKey } from "../http/key-cache";
import { reply } from "../http/respond";
import { valid } from "../http/validate";
import { IdParam } from "./params";
import { Timestamp, Uuid } from "./schema-fields";

const CreateApiKeyBody = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200), v.description("for people: what or who uses the key")),
  scopes: v.pipe(
    v.array(v.picklist(SCOPES)), v.minLength(1), v.maxLength(3),
    v.description("`read` reads, `write` also creates and decides, `admin` also manages keys; each includes the ones before it"),
  ),
});

const ApiKeySchema = named("ApiKey", v.object({
  id: Uuid,
  name: v.string(),
  prefix: v.pipe(v.string(), v.description("the key's first characters, to tell keys apart; never enough to use it")),
  scopes: v.array(v.picklist(SCOPES)),
  created_at: Timestamp,
  revoked_at: v.nullable(Timestamp),
}));
const CreatedApiKeySchema = named("CreatedApiKey", v.object({
  ...ApiKeySchema.entries,
  key: v.pipe(v.string(), v.description("the secret, for X-API-Key or a Bearer token; shown in this response only")),
}));
const ApiKeyListSchema = named("ApiKeyPage", listPage(ApiKeySchema));

const API_KEY_EXAMPLE = {
  id: "5b0e7c1a-3f2d-4e8b-9a61-2c4d8f7e1b03",
  name: "nightly import",
  prefix: "slk_8fK2qH",
  scopes: ["read", "write"],
  created_at: "2026-11-28T09:14:02.512Z",
  revoked_at: null,
};

const present = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  created_at: row.created_at,
  revoked_at: row.revoked_at,
});

const createApiKeyRoute = describeRoute({
  operationId: "createApiKey",
  summary: "Create an API key (shown once)",
  tags: ["api-keys"],
  responses: success(201, "The key; its secret `key` appears in this response and nowhere else", CreatedApiKeySchema, {
    example: { ...API_KEY_EXAMPLE, key: "slk_8fK2qH7vXw3NpR0tLmZc5yBd1EaUj9GsT4oWk6iQe2x" },
  }),
});
const listApiKeysRoute = describeRoute({
  operationId: "listApiKeys",
  summary: "List API keys",
  description: "Every key of the organization, revoked ones too, oldest first, in one page (`next_cursor` is always null).",
  tags: ["api-keys"],
  responses: success(200, "The organization's keys, without secrets", ApiKeyListSchema, {
    example: { items: [API_KEY_EXAMPLE], limit: 1, next_cursor: null },
  }),
});
const getApiKeyRoute = describeRoute({
  operationId: "getApiKey",
  summary: "Get an API key",
  tags: ["api-keys"],
  responses: success(200, "The key, without its secret", ApiKeySchema, { example: API_KEY_EXAMPLE }),
});
const revokeApiKeyRoute = describeRoute({
  operationId: "revokeApiKey",
  summary: "Revoke an API key",
  description: "Revoking is for good: the key stops working at once; revoking it again is a 404.",
  tags: ["api-keys"],
  responses: {
    ...success(200, "The revoked key", ApiKeySchema, { example: { ...API_KEY_EXAMPLE, revoked_at: "2026-11-30T08:00:41.090Z" } }),
    ...failure(409, "The key making the request cannot revoke itself"),
  },
});

/** Managing keys needs `admin`; the secret is in the create response and nowhere else. */
export const apiKeyRoutes = new Hono<AppEnv>()
  .use("/api-keys", requireScope("admin"))
  .use("/api-keys/*", requireScope("admin"))
  .post("/api-keys", createApiKeyRoute, valid("json", CreateApiKeyBody), idempotentWrite({ shownOnce: "key" }), async (c) => {
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
    return reply(c, CreatedApiKeySchema, { ...present(row), key: key.secret }, 201);
  })
  .get("/api-keys", listApiKeysRoute, async (c) => {
    const rows = await listApiKeys(c.get("services").db, c.get("caller").organizationId);
    // One page holds them all: an organization has a handful of keys.
    return reply(c, ApiKeyListSchema, wholeList(rows.map(present)));
  })
  .get("/api-keys/:id", getApiKeyRoute, valid("param", IdParam), async (c) => {
    const row = await findApiKey(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!row) throw notFound("API key");
    return reply(c, ApiKeySchema, present(row));
  })
  .delete("/api-keys/:id", revokeApiKeyRoute, valid("param", IdParam), async (c) => {
    const { id } = c.req.valid("param");
    const caller = c.get("caller");
    // Revoking the key in hand would lock the caller out mid-session; do it with another key.
    if (id === caller.keyId) throw new ApiError("conflict", "cannot revoke the API key used for this request");
    const { db, clock } = c.get("services");
    const row = await revokeApiKey(db, caller.organizationId, id, clock.now());
    if (!row) throw notFound("API key");
    forgetKey(db, id);
    return reply(c, ApiKeySchema, present(row));
  });
