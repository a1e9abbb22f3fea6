import type { Target } from "./events";

export interface Product {
  id: string;
  name: string;
  pipeline_id: string;
}

/** Why the rows changed: a run (or rerun) finished and published its generation, or a reviewer decided a released cell. */
type Cause = { type: "run_finished" } | { type: "review_decision"; document_id: string; decision_id: string };

/** A `data_product.updated` event: its data, and the key its stable id is made from. */
export interface ProductUpdated {
  key: string;
  data: object;
}

/** What readers of the product now see, and where to fetch it. */
function productUpdated(publicUrl: string, product: Product, generation: number, updatedAt: Date | string | null, cause: Cause) {
  const self = `${publicUrl}/v1/data-products/${product.id}`;
  return {
    data_product: product, generation, updated_at: updatedAt ? new Date(updatedAt).toISOString() : null, cause,
    links: { self, rows: `${self}/rows`, export: `${self}/export.csv` },
  };
}

/**
 * A finished run's data product has new rows when this finish published its generation (a failed or
 * cancelled rerun leaves the earlier one shown: nothing changed for readers). One event per generation.
 */
export function runPublished(publicUrl: string, target: Target, generation: number): ProductUpdated | undefined {
  if (!target.product_id || target.published_generation !== generation) return undefined;
  const product = { id: target.product_id, name: target.product_name ?? "", pipeline_id: target.id };
  return {
    key: `msg_data_product_updated_${product.id}_g${generation}`,
    data: productUpdated(publicUrl, product, generation, target.published_at, { type: "run_finished" }),
  };
}

/** A decision changed a row readers see: one event per decision. */
export function reviewPublished(
  publicUrl: string, product: Product, released: { generation: number; published_at: Date | string | null },
  cause: { document_id: string; decision_id: string },
): ProductUpdated {
  return {
    key: `msg_data_product_updated_${product.id}_d${cause.decision_id}`,
    data: productUpdated(publicUrl, product, released.generation, released.published_at, { type: "review_decision", ...cause }),
  };
}
