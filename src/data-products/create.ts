import {
  hasProcessedDocument, rebuildReviewQueue, upsertDataProduct, type DataProductRow,
} from "../db/queries/data-products";
import type { PipelineRow } from "../db/queries/pipelines";
import { revokeUnusedAutomaticTokens } from "../db/queries/share-tokens";
import { badRequest } from "../errors";
import type { Caller, Services } from "../http/env";
import { mintShareToken, shareLinks } from "./share-tokens";

export const presentDataProduct = (row: DataProductRow) => ({
  id: row.id,
  name: row.name,
  pipeline_id: row.pipeline_id,
  status: row.status,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const REACTIVATED = "the data product was archived: its earlier share links stay revoked; this is a new one";

/**
 * Creates the run's data product or reactivates the one it has, mints its automatic share token,
 * and rebuilds the review queue from stored verdicts. The rebuild is best-effort: the product
 * stands without it. Each call mints one automatic token and revokes the earlier automatic ones
 * nobody ever opened, so repeated calls do not pile up public links; a link that was used stays.
 */
export async function createDataProduct(services: Services, caller: Caller, pipeline: PipelineRow, name?: string) {
  if (pipeline.preview) throw badRequest("a preview run cannot produce a data product");
  if (!(await hasProcessedDocument(services.db, pipeline.id))) {
    throw badRequest("no document of this run is complete or partial yet");
  }
  const { product, token, reactivated } = await services.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("data_products").select("status")
      .where("pipeline_id", "=", pipeline.id).forUpdate().executeTakeFirst();
    const product = await upsertDataProduct(trx, {
      organizationId: caller.organizationId, pipelineId: pipeline.id, name: name ?? `${pipeline.name} (data product)`, rename: name !== undefined,
    });
    await revokeUnusedAutomaticTokens(trx, product.id);
    const token = await mintShareToken(trx, caller.organizationId, product.id, null, "automatic");
    return { product, token, reactivated: before?.status === "archived" };
  });
  try {
    await rebuildReviewQueue(services.db, caller.organizationId, pipeline.id);
  } catch (error) {
    services.logger.error("review queue rebuild failed; the data product stands", { pipeline_id: pipeline.id, error: String(error) });
  }
  return {
    dataProduct: { id: product.id, name: product.name, pipeline_id: product.pipeline_id, status: product.status },
    shareToken: {
      data_product_id: product.id, token: token.secret, ...shareLinks(services.config.publicUrl, token.secret), expires_at: token.row.expires_at,
    },
    ...(reactivated && { reactivated: true, notice: REACTIVATED }),
  };
}
