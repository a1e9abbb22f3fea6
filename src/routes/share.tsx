import { describeRoute } from "hono-openapi";
import { Hono, type Context } from "hono";
import type { FC } from "hono/jsx";
import { sha256Hex } from "../crypto";
import { exportCsv, cellText } from "../data-products/csv";
import { looksLikeShareToken } from "../data-products/share-tokens";
import { readRows, countProcessed } from "../db/queries/data-products";
import { resolveShareToken } from "../db/queries/share-tokens";
import { ApiError } from "../errors";
import type { AppEnv } from "../http/env";
import { applyRateLimit } from "../http/rate-limit";
import type { CompiledPipeline } from "../pipeline/definition";
import type { Cells } from "../pipeline/types";
import { csvResponse } from "./data-products";

const PREVIEW_ROWS = 20;
const gone = () => new ApiError("not_found", "share link not found");

/** Client address for per-IP limits, as the runtime knows it (src/http/client-ip.ts); never a header a client chose. */
function clientIp(c: Context<AppEnv>): string {
  return c.get("services").clientIp?.(c) ?? "unknown";
}

/**
 * Resolves a public token after both limits pass. Unknown, revoked, expired and archived all fail
 * the same way, after the same work, so a caller learns nothing from the difference.
 */
async function shared(c: Context<AppEnv>, token: string) {
  const { db, rateLimiters } = c.get("services");
  const hash = await sha256Hex(token);
  await applyRateLimit(c, rateLimiters.share, `ip:${clientIp(c)}`);
  await applyRateLimit(c, rateLimiters.share, `token:${hash}`);
  const found = looksLikeShareToken(token) ? await resolveShareToken(db, hash) : undefined;
  if (!found) throw gone();
  const etag = `W/"${found.generation}-${new Date(found.pipeline_updated_at).getTime()}-${new Date(found.product_updated_at).getTime()}"`;
  // private: a shared cache must never keep a copy that outlives the token's revocation.
  c.header("Cache-Control", "private, no-cache");
  c.header("ETag", etag);
  return { ...found, etag, pipeline: found.config as unknown as CompiledPipeline };
}

const Preview: FC<{ name: string; token: string; header: string[]; rows: string[][]; total: number }> = (p) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{p.name}</title>
      <style>{"body{font-family:system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}th{background:#eee}a.button{display:inline-block;margin:1rem 0;padding:.5rem 1rem;background:#0b57d0;color:#fff;text-decoration:none;border-radius:4px}"}</style>
    </head>
    <body>
      <main>
        <h1>{p.name}</h1>
        <p>{`${p.total} rows`}{p.total > p.rows.length ? ` — the first ${p.rows.length} are shown below` : ""}</p>
        <a class="button" href={`/share/${p.token}.csv`} download>Download CSV</a>
        <table>
          <caption>Preview of {p.name}</caption>
          <thead><tr>{p.header.map((h) => <th scope="col">{h}</th>)}</tr></thead>
          <tbody>{p.rows.map((r) => <tr>{r.map((v) => <td>{v}</td>)}</tr>)}</tbody>
        </table>
      </main>
    </body>
  </html>
);

/** The public surface: no key, only a share token. */
export const shareRoutes = new Hono<AppEnv>().get("/share/:file", describeRoute({
  summary: "Public share link: CSV download ({token}.csv) or HTML preview ({token})",
  tags: ["public"],
  responses: {
    200: { description: "The HTML preview, or the streamed CSV with Content-Disposition and ETag", content: { "text/html": { schema: { type: "string" } }, "text/csv": { schema: { type: "string" } } } },
    304: { description: "Not modified: If-None-Match matched the ETag" },
  },
}), async (c) => {
  const file = c.req.param("file");
  const isCsv = file.endsWith(".csv");
  const token = isCsv ? file.slice(0, -4) : file;
  const found = await shared(c, token);
  if (c.req.header("if-none-match") === found.etag) return c.body(null, 304);
  if (isCsv) return csvResponse(c, exportCsv(c.get("services").db, found.pipeline_id, found.pipeline), found.name);
  const { db } = c.get("services");
  const header = found.pipeline.fields.map((f) => f.name);
  const rows = (await readRows(db, found.pipeline_id, -1, PREVIEW_ROWS)).map((r) => header.map((name) => cellText((r.cells as Cells)[name])));
  c.header("X-Robots-Tag", "noindex");
  return c.html(<Preview name={found.name} token={token} header={header} rows={rows} total={await countProcessed(db, found.pipeline_id)} />);
});
