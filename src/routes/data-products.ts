import { describeRoute } from "hono-openapi";
import { Hono, type Context } from "hono";
import * as v from "valibot";
import { exportCsv, recordsShape } from "../data-products/csv";
import { describePublished, publishedView } from "../data-products/published";
import { createDataProduct, presentDataProduct } from "../data-products/create";
import { itemsShape, tableField } from "../data-products/items-csv";
import { itemsPage } from "../data-products/items-rows";
import { mintShareToken } from "../data-products/share-tokens";
import {
  archiveDataProduct, findDataProduct, generationKept, listDataProducts, readRows,
} from "../db/queries/data-products";
import { findPipeline } from "../db/queries/pipelines";
import { listShareTokens, revokeShareToken } from "../db/queries/share-tokens";
import { sha256Hex } from "../crypto";
import { badRequest, conflict, notFound } from "../errors";
import { requireScope } from "../http/auth";
import type { AppEnv, Caller, Services } from "../http/env";
import { success } from "../http/openapi";
import { valid } from "../http/validate";
import type { CompiledPipeline } from "../pipeline/definition";
import { publicCell } from "../pipeline/holdback";
import type { Cells } from "../pipeline/types";
import { IdParam, PageQuery, withOffset } from "./params";
import { ownPipeline } from "./pipelines";

const CreateBody = v.strictObject({ name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))) });
const ShareTokenBody = v.strictObject({
  expires_in: v.optional(v.pipe(
    v.number(), v.integer(), v.minValue(60), v.maxValue(365 * 24 * 3600),
    v.description("seconds until the link stops working: 60 (a minute) to 31536000 (a year); omitted, it never expires"),
  )),
});
/** `g<generation>r<ordinal>` pages records; `g<generation>i<ordinal>.<item_index>` pages a table's items. */
const CURSOR = /^g(\d{1,9})(?:r(\d{1,9})|i(\d{1,9})\.(\d{1,10}))$/;
const TableQuery = { table: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must be a field name"))) };
const RowsQuery = v.object({
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000)), "100"),
  cursor: v.optional(v.pipe(v.string(), v.regex(CURSOR, "must be a cursor from a previous page"))),
  ...TableQuery,
});
/** `?flag=true|false` of an export; absent is false. */
const Flag = v.optional(v.pipe(v.picklist(["true", "false"], "must be true or false"), v.transform((flag) => flag === "true")));
/** What a CSV reader may ask for: one table's items, a status column after each field's, a byte order mark for Excel. */
export const CsvQuery = { ...TableQuery, status_columns: Flag, bom: Flag };
const ExportQuery = v.object(CsvQuery);
const TokenParam = v.object({
  id: v.pipe(v.string(), v.uuid("must be a UUID")),
  token: v.pipe(
    v.string(),
    v.regex(
      /^(shr_[A-Za-z0-9_-]{43}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
      "must be a share token or its id",
    ),
  ),
});

const archiveRoute = describeRoute({
  summary: "Archive a data product",
  tags: ["data-products"],
  responses: success(200, "The archived product and how many share links were revoked; they stay revoked if it is reactivated"),
});
const rowsRoute = describeRoute({
  summary: "Read rows with holdback, keyset-paged",
  tags: ["data-products"],
  responses: success(200, "{ items, next_cursor, generation, as_of }: the last finished generation; held-back cells show "
    + "their status; ?table=<field> pages a table field's items with record_id and item_index"),
});
const exportRoute = describeRoute({
  summary: "Export the rows as streamed CSV; ?table=<field> exports one row per item",
  tags: ["data-products"],
  responses: success(200, "RFC 4180 CSV of the last finished generation (ETag, Sluice-Generation, Last-Modified); held-back cells empty", "text/csv"),
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

/** Data products: the read surface of a run, with holdback, CSV export and share links. */
export const dataProductRoutes = new Hono<AppEnv>()
  .post("/pipelines/:id/data-product", describeRoute({
    summary: "Create or reactivate the run’s data product",
    tags: ["data-products"],
    responses: success(200, "{ dataProduct, shareToken }: the product, created or reactivated, and a new share token"),
  }), requireScope("write"), valid("param", IdParam), valid("json", CreateBody), async (c) => {
    const services = c.get("services");
    const pipeline = await ownPipeline(services, c.get("caller"), c.req.valid("param").id);
    return c.json(await createDataProduct(services, c.get("caller"), pipeline, c.req.valid("json").name));
  })
  .get("/data-products", describeRoute({
    summary: "List data products",
    tags: ["data-products"],
    responses: success(200, "{ items, total, limit, offset }"),
  }), requireScope("read"), valid("query", PageQuery), async (c) => {
    const q = withOffset(c.req.valid("query"));
    const { items, total } = await listDataProducts(c.get("services").db, c.get("caller").organizationId, q.limit, q.offset);
    return c.json({ items: items.map(presentDataProduct), total, limit: q.limit, offset: q.offset });
  })
  .get("/data-products/:id", describeRoute({
    summary: "Get a data product",
    tags: ["data-products"],
    responses: success(200, "The data product"),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    return c.json(presentDataProduct(await ownProduct(c.get("services"), c.get("caller"), c.req.valid("param").id)));
  })
  .delete("/data-products/:id", archiveRoute, requireScope("write"), valid("param", IdParam), async (c) => {
    const archived = await archiveDataProduct(c.get("services").db, c.get("caller").organizationId, c.req.valid("param").id);
    if (!archived) throw notFound("data product");
    return c.json({ ...presentDataProduct(archived.product), revoked_share_tokens: archived.revokedShareTokens });
  })
  .get("/data-products/:id/rows", rowsRoute, requireScope("read"), valid("param", IdParam), valid("query", RowsQuery), async (c) => {
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
    if (field) {
      const page = await itemsPage(services.db, product.pipeline_id, at.generation, field, at.item, limit);
      const next = page.next && `g${at.generation}i${page.next.ordinal}.${page.next.index}`;
      return c.json({ items: page.items, next_cursor: next, generation: shown.generation, as_of: shown.asOf });
    }
    const names = config.fields.map((f) => f.name);
    const rows = await readRows(services.db, product.pipeline_id, at.generation, at.ordinal, limit);
    const items = rows.map((row) => {
      const cells = row.cells as Cells;
      return { record_id: row.id, external_id: row.external_id, status: row.status, fields: Object.fromEntries(names.map((n) => [n, publicCell(cells[n])])) };
    });
    const next = rows.length === limit ? `g${at.generation}r${rows[rows.length - 1].ordinal}` : null;
    return c.json({ items, next_cursor: next, generation: shown.generation, as_of: shown.asOf });
  })
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
  .post("/data-products/:id/share-tokens", describeRoute({
    summary: "Create a share token (shown once)",
    tags: ["share-tokens"],
    responses: success(201, "The token, shown this once, and its public CSV URL"),
  }), requireScope("write"), valid("param", IdParam), valid("json", ShareTokenBody), async (c) => {
    const services = c.get("services");
    const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
    if (product.status !== "active") throw badRequest("the data product is archived");
    const { expires_in } = c.req.valid("json");
    const expiresAt = expires_in ? new Date(services.clock.now().getTime() + expires_in * 1000) : null;
    const { secret, row } = await mintShareToken(services.db, product.organization_id, product.id, expiresAt);
    return c.json({ ...row, token: secret, url: `${services.config.publicUrl}/share/${secret}.csv` }, 201);
  })
  .get("/data-products/:id/share-tokens", describeRoute({
    summary: "List share tokens",
    tags: ["share-tokens"],
    responses: success(200, "{ items }: the product's tokens, without secrets"),
  }), requireScope("read"), valid("param", IdParam), async (c) => {
    const services = c.get("services");
    const product = await ownProduct(services, c.get("caller"), c.req.valid("param").id);
    return c.json({ items: await listShareTokens(services.db, product.id) });
  })
  .delete("/data-products/:id/share-tokens/:token", describeRoute({
    summary: "Revoke a share token",
    tags: ["share-tokens"],
    responses: success(200, "The revoked token"),
  }), requireScope("write"), valid("param", TokenParam), async (c) => {
    const services = c.get("services");
    const { id, token } = c.req.valid("param");
    const product = await ownProduct(services, c.get("caller"), id);
    const by = token.startsWith("shr_") ? { hash: await sha256Hex(token) } : { id: token };
    const row = await revokeShareToken(services.db, product.id, by);
    if (!row) throw notFound("share token");
    return c.json(row);
  });

/** A CSV download: streamed, with a filename a browser and a shell can both live with. */
export function csvResponse(c: Context, body: ReadableStream<Uint8Array>, name: string) {
  const filename = `${name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 80) || "export"}.csv`;
  c.header("Content-Type", "text/csv; charset=utf-8");
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
  return c.body(body);
}
