import { describeRoute } from "hono-openapi";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import * as v from "valibot";
import { sha256Hex } from "../crypto";
import { exportCsv, recordsShape } from "../data-products/csv";
import { describePublished, publishedView } from "../data-products/published";
import { looksLikeShareToken } from "../data-products/share-tokens";
import { countRows, readRows } from "../db/queries/data-products";
import { resolveShareToken } from "../db/queries/share-tokens";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/env";
import { HEADER_PARAMETERS } from "../http/openapi";
import { applyRateLimit, clientIp } from "../http/rate-limit";
import type { CompiledPipeline } from "../pipeline/definition";
import { releasedItems } from "../pipeline/holdback";
import type { Cell, Cells } from "../pipeline/types";
import { heldLabel, humanise } from "../web/cells";
import { renderPage, wantsHtml } from "../web/page";
import { SharePage, ShareGonePage, type LineItemTable } from "../web/share-page";
import { valid } from "../http/validate";
import { CsvQuery, csvResponse } from "./data-products";
import { itemsShape, tableField } from "../data-products/items-csv";

const PREVIEW_ROWS = 50;

/**
 * Resolves a public token after both limits pass. Unknown, revoked, expired and archived all come
 * back as nothing, after the same work, so a caller learns nothing from the difference.
 */
async function shared(c: Context<AppEnv>, token: string) {
  const { db, rateLimiters } = c.get("services");
  const hash = await sha256Hex(token);
  await applyRateLimit(c, [rateLimiters.share, `ip:${clientIp(c)}`], [rateLimiters.shareToken, `token:${hash}`]);
  const found = looksLikeShareToken(token) ? await resolveShareToken(db, hash) : undefined;
  if (!found) return undefined;
  return { ...found, view: publishedView(found.generation, found.as_of), pipeline: found.config as unknown as CompiledPipeline };
}

/** The same 404 for every dead link: a small page for a browser, the envelope for everything else. */
function gone(c: Context<AppEnv>) {
  // A dead link must not be cached as dead (nor a live one's 404 replayed) by a browser or a proxy.
  c.header("Cache-Control", "no-store");
  if (wantsHtml(c)) return renderPage(c, <ShareGonePage />, 404);
  throw new ApiError("not_found", "share link not found");
}

type TableField = { name: string; label?: string; type: string; columns?: Array<{ name: string; label?: string }> };

/** The heading people read: the definition's `label`, else the name humanised (snapshots before labels have none). */
const labelOf = (f: { name: string; label?: string }) => f.label ?? humanise(f.name);

/** Line items (fields of type `table`): each item of each row, its columns as cells. */
function lineItemTables(fields: TableField[], rows: Array<{ label: string; cells: Cells }>): LineItemTable[] {
  return fields.filter((f) => f.type === "table").map((f) => ({
    field: f.name,
    label: labelOf(f),
    columns: (f.columns ?? []).map((col) => col.name),
    labels: (f.columns ?? []).map(labelOf),
    items: rows.flatMap((r) => {
      // Holdback as in every export: a parked table withholds all its items, a parked item cell its value.
      const items = r.cells[f.name] ? releasedItems(r.cells[f.name]!) : null;
      return (items ?? []).map((item) => ({ row: r.label, cells: item as Cells }));
    }),
  }));
}

const ShareQuery = v.object(CsvQuery);

/**
 * The public CSV is data for any page to fetch: any origin may read it, never with credentials
 * (the token in the URL is the only authority). A preflight (e.g. for If-None-Match) is answered here.
 */
const csvCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.path.endsWith(".csv")) return next();
  if (c.req.method === "OPTIONS") {
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Allow-Headers": "If-None-Match", "Access-Control-Max-Age": "86400",
    });
  }
  await next();
  c.res.headers.set("Access-Control-Allow-Origin", "*");
  c.res.headers.set("Access-Control-Expose-Headers", "ETag, Sluice-Generation, Content-Disposition, Retry-After");
};

const ShareParam = v.object({
  token: v.pipe(v.string(), v.description("the `shr_…` share token; append `.csv` (`/share/{token}.csv`) for the CSV download")),
});
const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const PUBLISHED_HEADERS = { ETag: header("ETag"), "Sluice-Generation": header("Sluice-Generation"), "Last-Modified": header("Last-Modified") };
const text = { schema: { type: "string" as const } };

const getSharedDataProductRoute = describeRoute({
  operationId: "getSharedDataProduct",
  summary: "Public share link: HTML page ({token}) or CSV download ({token}.csv)",
  description: "No key: the token is the only authority. `/share/{token}` is a page for people (the first rows, a download "
    + "button); `/share/{token}.csv` streams the CSV of the last finished generation as an attachment. Unknown, revoked, "
    + "expired or archived links answer the same 404: a small HTML page for `Accept: text/html`, else the JSON envelope. "
    + "Rate limited per token and per client address.",
  tags: ["public"],
  parameters: [
    HEADER_PARAMETERS.ifNoneMatch,
    { in: "query", name: "table", required: false, description: "CSV only: a table field, exported one row per item", schema: { type: "string" } },
  ],
  responses: {
    200: {
      description: "The HTML page, or the streamed CSV (with Content-Disposition)",
      content: { "text/html": text, "text/csv": { ...text, example: "external_id,vendor,total\r\nINV-2026-0042,Acme GmbH,\r\n" } },
      headers: PUBLISHED_HEADERS,
    },
    304: { description: "Not modified: If-None-Match names the shown generation", headers: PUBLISHED_HEADERS },
    404: {
      description: "Unknown, revoked, expired or archived link: HTML for `Accept: text/html`, else the JSON envelope",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } }, "text/html": text },
    },
  },
});

/** The public surface: no key, only a share token. */
export const shareRoutes = new Hono<AppEnv>()
  .use("/share/:token", csvCors)
  .get("/share/:token", getSharedDataProductRoute, valid("param", ShareParam), valid("query", ShareQuery), async (c) => {
    const file = c.req.valid("param").token;
    const isCsv = file.endsWith(".csv");
    const token = isCsv ? file.slice(0, -4) : file;
    const { table: asked, status_columns: statusColumns, bom } = c.req.valid("query");
    const table = isCsv ? asked : undefined;
    const found = await shared(c, token);
    if (!found) return gone(c);
    // The table is checked before the ETag so a wrong name is a 400, never a 304.
    const field = table === undefined ? null : tableField(found.pipeline, table);
    if (describePublished(c, found.view)) return c.body(null, 304);
    const { db } = c.get("services");
    const options = { statusColumns, bom };
    if (field) {
      return csvResponse(c, exportCsv(itemsShape(db, found.pipeline_id, found.generation, field, options), options), `${found.name}-${field.name}`);
    }
    if (isCsv) {
      return csvResponse(c, exportCsv(recordsShape(db, found.pipeline_id, found.generation, found.pipeline, options), options), found.name);
    }
    const fields = found.pipeline.fields as unknown as TableField[];
    // As in the CSV: every field is a column, a table field's giving its item count (its items are listed below).
    const header = fields.map((f) => f.name);
    const rows = (await readRows(db, found.pipeline_id, found.generation, -1, PREVIEW_ROWS))
      .map((r) => ({ label: r.external_id ?? String(r.ordinal + 1), cells: r.cells as Cells }));
    const lineItems = lineItemTables(fields, rows);
    // Held item cells count too: the legend explains every "in review" marker on the page.
    const shown = [...rows, ...lineItems.flatMap((t) => t.items)];
    const count = (text: string) =>
      shown.reduce((n, r) => n + Object.values(r.cells).filter((cell) => heldLabel(cell as Cell)?.text === text).length, 0);
    return renderPage(c, <SharePage
      name={found.name} token={token} header={header} labels={fields.map(labelOf)} rows={rows} total={await countRows(db, found.pipeline_id, found.generation)}
      updatedAt={found.view.asOf} heldCount={count("in review")} rejectedCount={count("rejected")}
      lineItems={lineItems}
    />);
  });
