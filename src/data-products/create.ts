import { countProcessed, rebuildReviewQueue, upsertDataProduct, type DataProductRow } from "../db/queries/data-products";
import type { PipelineRow } from "../db/queries/pipelines";
import { badRequest } from "../errors";
import type { Caller, Services } from "../http/env";
import { mintShareToken } from "./share-tokens";

export const presentDataProduct = (row: DataProductRow) => ({
  id: row.id,
  name: row.name,
  pipeline_id: row.pipeline_id,
  status: row.status,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/**
 * Creates the run's data product or reactivates the one it has, mints a share token, and rebuilds
 * the review queue from stored verdicts. The rebuild is best-effort: the product stands without it.
 */
export async function createDataProduct(services: Services, caller: Caller, pipeline: PipelineRow, name?: string) {
  if (pipeline.preview) throw badRequest("a preview run cannot produce a data product");
  if ((await countProcessed(services.db, pipeline.id)) === 0) {
    throw badRequest("no document of this run is complete or partial yet");
  }
  const { product, token } = await services.db.transaction().execute(async (trx) => {
    const product = await upsertDataProduct(trx, {
      organizationId: caller.organizationId, pipelineId: pipeline.id, name: name ?? `${pipeline.name} (data product)`, rename: name !== undefined,
    });
    const token = await mintShareToken(trx, caller.organizationId, product.id, null);
    return { product, token };
  });
  try {
    await rebuildReviewQueue(services.db, caller.organizationId, pipeline.id);
  } catch (error) {
    services.logger.error("review queue rebuild failed; the data product stands", { pipeline_id: pipeline.id, error: String(error) });
  }
  return {
    dataProduct: { id: product.id, name: product.name, pipeline_id: product.pipeline_id, status: product.status },
    shareToken: { data_product_id: product.id, token: token.secret },
  };
}
