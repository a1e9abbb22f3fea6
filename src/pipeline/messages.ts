import * as v from "valibot";
import type { Services } from "../http/env";

/** The one message kind of the phase engine: "advance this document from this phase". */
export const PhaseMessageBody = v.object({
  type: v.literal("phase"),
  pipeline_id: v.pipe(v.string(), v.uuid()),
  document_id: v.pipe(v.string(), v.uuid()),
  phase_index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  generation: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export type PhaseMessage = Omit<v.InferOutput<typeof PhaseMessageBody>, "type">;

/** The dedup id makes QStash drop a second publish of the same (document, generation, phase). */
export function phaseDedupId(m: PhaseMessage, suffix?: string): string {
  return [m.document_id, m.generation, m.phase_index, suffix].filter((part) => part !== undefined).join("-");
}

/** Publishes a document's next phase; `organizationId` shares deliveries fairly between tenants. */
export function publishPhase(services: Services, m: PhaseMessage, organizationId: string, dedupSuffix?: string) {
  return services.queue.publish({ body: { type: "phase", ...m }, deduplicationId: phaseDedupId(m, dedupSuffix), fairnessKey: organizationId });
}
