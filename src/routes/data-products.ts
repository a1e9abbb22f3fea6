import { describeRoute } from "hono-openapi";
import { idempotentWrite } from "./idempotency";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { exportCsv, recordsShape } from "../data-products/csv";
import { describePublished, publishedView } from "../data-products/published";
import { createDataProduct, presentDataProduct } from "../data-products/create";
import { itemsShape, tableField } from "../data-products/items-csv";
import { itemsPage } from "../data-products/items-rows";
import { mintShareToken, shareLinks } from "../data-products/share-tokens";
import {
  archiveDataProduct, findDataProduct, generationKept, listDataProducts, readRows,
} from "../db/queries/data-products";
import { findPipeline } from "../db/queries/pipelines";
import { listShareTokens, revokeShareToken } from "../db/queries/share-tokens";
import { sha256Hex } from "../crypto";
import { badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv, Caller, Services } from "../http/env";
import { failure, HEADER_PARAMETERS, success } from "../http/openapi";
import { reply } from "../http/respond";
import { offsetPage, wholeList } from "../http/list";
import { valid } from "../http/validate";
import type { CompiledPipeline } from "../pipeline/definition";
import { publicCell } from "../pipeline/holdback";
import type { Cells } from "../pipeline/types";
import {
  ArchivedDataProductSchema, CreatedDataProductSchema, CreatedShareTokenSchema, DataProductListSchema, DataProductSchema, EXAMPLES,
  RowsPageSchema, ShareTokenListSchema, ShareTokenSchema,
} from "./data-product-schemas";
import { BooleanQuery, IdParam, PageQuery, withOffset } from "./params";
import { ownPipeline } from "./pipelines";


const CreateBody = v.strictObject({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200), v.description("default: the run's name + \" (data product)\""))),
});
const ShareTokenBody = v.strictObject({
  expires_in: v.optional(v.pipe(
    v.number(), v.integer(), v.minValue(60), v.maxValue(365 * 24 * 3600),
    v.description("seconds until the link stops working, 60 (a minute) to 31536000 (a year); omitted: until revoked"),
  )),
});
/** `g<generation>r<ordinal>` pages records; `g<generation>i<ordinal>.<item_index>` pages a table's items. */
const CURSOR = /^g(\d{1,9})(?:r(\d{1,9})|i(\d{1,9})\.(\d{1,10}))$/;
const TableQuery = {
  table: v.optional(v.pipe(
    v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a field name"),
    v.description("a table field: read its line items, one row per item, instead of the records"),
  )),
};
const RowsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "100"),
  cursor: v.optional(v.pipe(v.string(), v.regex(CURSOR, "must be a cursor from a previous page"), v.description("the `next_cursor` of the previous page"))),
  ...TableQuery,
});
/** What a CSV reader may ask for: one table's items, a status column after each field's, a byte order mark for Excel. */
export const CsvQuery = { ...TableQuery, status_columns: BooleanQuery, bom: BooleanQuery };
const ExportQuery = v.object(CsvQuery);
const TokenParam = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  token: v.pipe(
    v.string(),
    v.regex(
      /^(shr_[A-Za-z0-9_-]{43}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
      "must be a share token or its id",
    ),
    v.description("the share token's id (from the list), or the `shr_` token itself"),
  ),
});

const PUBLISHED_HEADERS = ["ETag", "Sluice-Generation", "Last-Modified"] as const;
const notModified = success(304, "Not modified: If-None-Match names the shown generation", undefined, { headers: [...PUBLISHED_HEADERS] });

const createDataProductRoute = describeRoute({
  operationId: "createDataProduct",
  summary: "Create or reactivate the run’s data product",
  description: "One product per run: calling again reactivates it (and may rename it). Each call mints an automatic share link "
    + "and rebuilds the review queue from stored verdicts. 400 for a preview run or one with no complete or partial document yet.",
  tags: ["data-products"],
  responses: success(200, "The product, created or reactivated, and a new share link with its public URLs", CreatedDataProductSchema, {
    example: EXAMPLES.created,
  }),
});
const listDataProductsRoute = describeRoute({
  operationId: "listDataProducts",
  summary: "List data products",
  tags: ["data-products"],
  responses: success(200, "The organization's data products, newest first", DataProductListSchema, {
    example: { items: [EXAMPLES.product], limit: 50, offset: 0, total: 1, next_cursor: null },
  }),
});
const getDataProductRoute = describeRoute({
  operationId: "getDataProduct",
  summary: "Get a data product",
  tags: ["data-products"],
  responses: success(200, "The data product", DataProductSchema, { example: EXAMPLES.product }),
});
const archiveRoute = describeRoute({
  operationId: "archiveDataProduct",
  summary: "Archive a data product",
  tags: ["data-products"],
  responses: success(200, "The archived product and how many share links were revoked; they stay revoked if it is reactivated",
    ArchivedDataProductSchema, { example: { ...EXAMPLES.product, status: "archived", revoked_share_tokens: 2 } }),
});
const rowsRoute = describeRoute({
  operationId: "listDataProductRows",
  summary: "Read rows with holdback, keyset-paged",
  description: "The run's last finished generation; held-back cells show their status, never their value. `?table=<field>` pages "
    + "a table field's items with record_id and item_index. A cursor stays on its first page's generation.",
  tags: ["data-products"],
  parameters: [HEADER_PARAMETERS.ifNoneMatch],
  responses: {
    ...success(200, "A page of rows", RowsPageSchema, { example: EXAMPLES.rows, headers: [...PUBLISHED_HEADERS] }),
    ...notModified,
    ...failure(409, "The cursor's generation is no longer kept; read again from the first page"),
  },
});
const exportRoute = describeRoute({
  operationId: "exportDataProductCsv",
  summary: "Export the rows as streamed CSV; ?table=<field> exports one row per item",
  description: "Sent as an attachment (Content-Disposition names the file after the product).",
  tags: ["data-products"],
  parameters: [HEADER_PARAMETERS.ifNoneMatch],
  responses: {
    ...success(200, "RFC 4180 CSV of the last finished generation; held-back cells empty", "text/csv", {
      example: "external_id,vendor,total,lines\r\nINV-2026-0042,Acme GmbH,,3\r\n", headers: [...PUBLISHED_HEADERS],
    }),
    ...notModified,
  },
});
const createShareTokenRoute = describeRoute({
  operationId: "createShareToken",
  summary: "Create a share token (shown once)",
  description: "A manual share link: kept until revoked, expired or the product archived. 400 for an archived product.",
  tags: ["share-tokens"],
  responses: success(201, "The token, shown this once, with its public page and CSV URLs", CreatedShareTokenSchema, {
    example: EXAMPLES.createdShareToken,
  }),
});
const listShareTokensRoute = describeRoute({
  operationId: "listShareTokens",
  summary: "List share tokens",
  description: "Every token of the product, oldest first, in one page (`next_cursor` is always null); never the secrets.",
  tags: ["share-tokens"],
  responses: success(200, "The product's tokens, without secrets", ShareTokenListSchema, {
    example: { items: [EXAMPLES.shareToken], limit: 1, next_cursor: null },
  }),
});
const revokeShareTokenRoute = describeRoute({
  operationId: "revokeShareToken",
  summary: "Revoke a share token",
  description: "Its links answer 404 from now on; revoking it again answers it unchanged.",
  tags: ["share-tokens"],
  responses: success(200, "The revoked token", ShareTokenSchema, {
    example: { ...EXAMPLES.shareToken, revoked_at: "2026-11-30T11:20:03.511Z" },
  }),
});

/** A cursor pins the generation its first page showed, so paging never mixes two generations. */
function parseCursor(cursor: string) {
  const [, generation, ordinal, itemOrdinal, index] = CURSOR.exec(cursor)!;
  if (ordinal !== undefined) return { generation: Number(generation), ordinal: Number(ordinal), item: null };
  return { generation: Number(generation), ordinal: Number(itemOrdinal), item: { ordinal: Number(itemOrdinal), index: Number(index) } };
}

async function ownProduct(services: Services, caller: Caller, id: string) {
  const product = await findDataProduct(services.db, caller.organizationId, id);
  if (!product) throw notFound("data product");
  return product;
}

async function productPipeline(services: Services, caller: Caller, pipelineId: string) {
  const pipeline = await findPipeline(services.db, caller.organizationId, pipelineId);
  if (!pipeline) throw notFound("data product");
  return pipeline;
}

type RowsContext = Context<AppEnv, string, { out: { param: v.InferOutput<typeof IdParam>; query: v.InferOutput<typeof RowsQuery> } }>;

/** One page of the published rows (or of a table field's items), pinned by its cursor to one generation. */
async function listRows(c: RowsContext) {
  const services = c.get("services");
  const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
  const { limit, cursor, table } = c.req.valid("query");
  const pipeline = await productPipeline(services, c.get("caller"), product.pipeline_id);
  const config = pipeline.config as unknown as CompiledPipeline;
  // The table is checked before the ETag so a wrong name is a 400, never a 304.
  const field = table === undefined ? null : tableField(config, table);
  const view = publishedView(pipeline.published_generation, pipeline.published_at);
  const at = cursor ? parseCursor(cursor) : { generation: view.generation, ordinal: -1, item: null };
  if (cursor && (at.item === null) !== (field === null)) {
    const message = field ? "a record cursor pages the records, not ?table=" : "an item cursor pages ?table= only";
    throw badRequest("invalid query", [{ path: "cursor", message }]);
  }
  if (at.generation !== view.generation && !(await generationKept(services.db, pipeline.id, at.generation))) {
    throw conflict(`the data product moved on to generation ${view.generation}; read again from the first page`);
  }
  const shown = at.generation === view.generation ? view : publishedView(at.generation, null);
  if (describePublished(c, shown)) return c.body(null, 304);
  const page = { limit, generation: shown.generation, as_of: shown.asOf };
  if (field) {
    const items = await itemsPage(services.db, product.pipeline_id, at.generation, field, at.item, limit);
    const next = items.next && `g${at.generation}i${items.next.ordinal}.${items.next.index}`;
    return reply(c, RowsPageSchema, { ...page, items: items.items, next_cursor: next });
  }
  const names = config.fields.map((f) => f.name);
  const rows = await readRows(services.db, product.pipeline_id, at.generation, at.ordinal, limit);
  const items = rows.map((row) => {
    const cells = row.cells as Cells;
    return { record_id: row.id, external_id: row.external_id, status: row.status, fields: Object.fromEntries(names.map((n) => [n, publicCell(cells[n])])) };
  });
  const next = rows.length === limit ? `g${at.generation}r${rows[rows.length - 1].ordinal}` : null;
  return reply(c, RowsPageSchema, { ...page, items, next_cursor: next });
}

/** Data products: the read surface of a run, with holdback, CSV export and share links. */
export const dataProductRoutes = new Hono<AppEnv>()
  .post("/pipelines/:id/data-product", createDataProductRoute, requireScope("write"), valid("param", IdParam), valid("json", CreateBody), idempotentWrite({ shownOnce: "share token" }), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return reply(c, CreatedDataProductSchema, await createDataProduct(services, c.get("caller"), pipeline, c.req.valid("json").name));
  })
  .get("/data-products", listDataProductsRoute, requireScope("read"), valid("query", PageQuery), async (c) => {
    const q = withOffset(c.req.valid("query"));
    const { items, total } = await listDataProducts(c.get("services").db, c.get("caller").organizationId, q.limit, q.offset);
    return reply(c, DataProductListSchema, offsetPage(items.map(presentDataProduct), { limit: q.limit, offset: q.offset, total }));
  })
  .get("/data-products/:id", getDataProductRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    return reply(c, DataProductSchema, presentDataProduct(await ownProduct(c.get("services"), c.get("caller"), c.req.valid("param").id)));
  })
  .delete("/data-products/:id", archiveRoute, requireScope("write"), valid("param", IdParam), async (c) => {
    const archived = await archiveDataProduct(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!archived) throw notFound("data product");
    return reply(c, ArchivedDataProductSchema, { ...presentDataProduct(archived.product), revoked_share_tokens: archived.revokedShareTokens });
  })
  .get("/data-products/:id/rows", rowsRoute, requireScope("read"), valid("param", IdParam), valid("query", RowsQuery), listRows)
  .get("/data-products/:id/export.csv", exportRoute, requireScope("read"), valid("param", IdParam), valid("query", ExportQuery), async (c) => {
    const services = c.get("services");
    const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
    const pipeline = await productPipeline(services, c.get("caller"), product.pipeline_id);
    const config = pipeline.config as unknown as CompiledPipeline;
    const { table, status_columns: statusColumns, bom } = c.req.valid("query");
    const field = table === undefined ? null : tableField(config, table);
    if (describePublished(c, publishedView(pipeline.published_generation, pipeline.published_at))) return c.body(null, 304);
    const generation = pipeline.published_generation;
    const options = { statusColumns, bom };
    if (field) {
      const items = itemsShape(services.db, pipeline.id, generation, field, options);
      return csvResponse(c, exportCsv(items, options), `${product.name}-${field.name}`);
    }
    return csvResponse(c, exportCsv(recordsShape(services.db, pipeline.id, generation, config, options), options), product.name);
  })
  .post("/data-products/:id/share-tokens", createShareTokenRoute, requireScope("write"), valid("param", IdParam), valid("json", ShareTokenBody), idempotentWrite({ shownOnce: "share token" }), async (c) => {
    const services = c.get("services");
    const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
    if (product.status !== "active") throw badRequest("the data product is archived");
    const { expires_in } = c.req.valid("json");
    const expiresAt = expires_in ? new Date(services.clock.now().getTime() + expires_in * 1000) : null;
    const { secret, row } = await mintShareToken(services.db, product.organization_id, product.id, expiresAt);
    return reply(c, CreatedShareTokenSchema, { ...row, token: secret, ...shareLinks(services.config.publicUrl, secret) }, 201);
  })
  .get("/data-products/:id/share-tokens", listShareTokensRoute, requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
    const items = await listShareTokens(services.db, product.id);
    // One page holds them all: automatic links nobody opened are replaced, not piled up.
    return reply(c, ShareTokenListSchema, wholeList(items));
  })
  .delete("/data-products/:id/share-tokens/:token", revokeShareTokenRoute, requireScope("write"), valid("param", TokenParam), async (c) => {
    const services = c.get("services");
    const { id, token } = c.req.valid("param");
    const product = await ownProduct(services, c.get("caller"), id);
    const by = token.startsWith("shr_") ? { hash: await sha256Hex(token) } : { id: token };
    const row = await revokeShareToken(services.db, product.id, by);
    if (!row) throw notFound("share token");
    return reply(c, ShareTokenSchema, row);
  });

/** A CSV download: streamed, with a filename a browser and a shell can both live with. */
export function csvResponse(c: Context, body: ReadableStream<Uint8Array>, name: string) {
  const filename = `${name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 80) || "export"}.csv`;
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
  return c.body(body);
}
