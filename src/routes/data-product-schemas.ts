import * as v from "valibot";
import { named } from "../named-schema";
import { listPage } from "../http/list";
import { CellStatus, Timestamp, Uuid } from "./schema-fields";

/** Response schemas of data products and their share tokens (for /openapi.json and `reply`). */
export const DataProductSchema = named("DataProduct", v.object({
  id: Uuid,
  name: v.string(),
  pipeline_id: v.pipe(Uuid, v.description("the run whose last finished generation the product shows")),
  status: v.picklist(["active", "archived"]),
  created_at: Timestamp,
  updated_at: Timestamp,
}));
export const DataProductListSchema = named("DataProductPage", listPage(DataProductSchema));
export const ArchivedDataProductSchema = named("ArchivedDataProduct", v.object({
  ...DataProductSchema.entries,
  revoked_share_tokens: v.pipe(v.number(), v.description("share links this archive revoked; they stay revoked if the product is reactivated")),
}));

const links = {
  url: v.pipe(v.string(), v.description("the public share page (HTML, no key needed): `{PUBLIC_URL}/share/{token}`")),
  csv_url: v.pipe(v.string(), v.description("the public CSV download: `{PUBLIC_URL}/share/{token}.csv`")),
};
const secret = v.pipe(v.string(), v.description("the `shr_` share token; shown in this response only, only its hash is stored"));
const expiresAt = v.pipe(v.nullable(Timestamp), v.description("when the link stops working; null: until revoked"));

export const CreatedDataProductSchema = named("CreatedDataProduct", v.object({
  dataProduct: v.object({ id: Uuid, name: v.string(), pipeline_id: Uuid, status: v.picklist(["active", "archived"]) }),
  shareToken: v.pipe(
    v.object({ data_product_id: Uuid, token: secret, ...links, expires_at: expiresAt }),
    v.description("a new automatic share link; an earlier automatic one nobody opened is revoked"),
  ),
  reactivated: v.optional(v.pipe(v.boolean(), v.description("present (true) when an archived product was reactivated"))),
  notice: v.optional(v.pipe(v.string(), v.description("what reactivation means for earlier links"))),
}));

export const ShareTokenSchema = named("ShareToken", v.object({
  id: Uuid,
  data_product_id: Uuid,
  kind: v.pipe(v.picklist(["automatic", "manual"]), v.description("automatic: minted by POST …/data-product; manual: POST …/share-tokens")),
  prefix: v.pipe(v.string(), v.description("the token's first characters, to tell links apart")),
  expires_at: expiresAt,
  revoked_at: v.nullable(Timestamp),
  last_used_at: v.pipe(v.nullable(Timestamp), v.description("the last public read, recorded at most once a minute")),
  created_at: Timestamp,
}));
export const ShareTokenListSchema = named("ShareTokenPage", listPage(ShareTokenSchema));
export const CreatedShareTokenSchema = named("CreatedShareToken", v.object({ ...ShareTokenSchema.entries, token: secret, ...links }));

const CellSchema = named("RowCell", v.object({
  value: v.pipe(v.unknown(), v.description("null while held back (needs_review) or without a result; a table field gives its item count")),
  status: CellStatus,
  reason: v.optional(v.pipe(v.string(), v.description("why the cell has no released value, as a code"))),
}));
const Fields = v.pipe(v.record(v.string(), CellSchema), v.description("one cell per field (per column, for an item), keyed by name"));
const RecordRowSchema = named("Row", v.object({
  record_id: v.pipe(Uuid, v.description("the document the row comes from")),
  external_id: v.nullable(v.string()),
  status: v.picklist(["complete", "partial"]),
  fields: Fields,
}));
const ItemRowSchema = named("ItemRow", v.object({
  record_id: Uuid,
  item_index: v.pipe(v.number(), v.description("the item's index in its record's table field, from 0")),
  fields: Fields,
}));
export const RowsPageSchema = named("RowPage", listPage(v.union([RecordRowSchema, ItemRowSchema]), {
  generation: v.pipe(v.number(), v.description("the generation shown; a cursor stays on it (409 once it is no longer kept)")),
  as_of: v.pipe(v.nullable(Timestamp), v.description("when the shown data last changed: its run's finish or a review decision")),
}));

const PRODUCT = {
  id: "3e9b7a15-2c4d-4f86-b1a0-8d5e6f7c2b49",
  name: "Invoices Q3 (data product)",
  pipeline_id: "9a4e2f71-6c3b-4d8a-a0f5-31e7b2c94d10",
  status: "active",
};
const TOKEN = "shr_q7NfXb2LkT9wVz4RcY8mHs1PdJ6gUe3AoK5iWx0tBnC";
const LINKS = { url: `https://sluice.example.com/share/${TOKEN}`, csv_url: `https://sluice.example.com/share/${TOKEN}.csv` };
const SHARE_TOKEN = {
  id: "e5a1c9d3-7b2f-4e60-98d4-3f6a1b0c7e25",
  data_product_id: PRODUCT.id,
  kind: "manual",
  prefix: "shr_q7NfXb",
  expires_at: "2026-12-07T10:15:00.000Z",
  revoked_at: null,
  last_used_at: null,
  created_at: "2026-11-30T10:15:00.000Z",
};

export const EXAMPLES = {
  product: { ...PRODUCT, created_at: "2026-11-30T09:58:12.417Z", updated_at: "2026-11-30T09:58:12.417Z" },
  created: { dataProduct: PRODUCT, shareToken: { data_product_id: PRODUCT.id, token: TOKEN, ...LINKS, expires_at: null } },
  shareToken: SHARE_TOKEN,
  createdShareToken: { ...SHARE_TOKEN, token: TOKEN, ...LINKS },
  rows: {
    items: [{
      record_id: "c41f8a26-0b7e-4d93-a5c2-6e8f1d3b7a94",
      external_id: "INV-2026-0042",
      status: "partial",
      fields: {
        vendor: { value: "Acme GmbH", status: "completed" },
        total: { value: null, status: "needs_review", reason: "rule_failed" },
        lines: { value: 3, status: "completed" },
      },
    }],
    limit: 100,
    next_cursor: "g2r0",
    generation: 2,
    as_of: "2026-11-30T09:57:40.102Z",
  },
};
