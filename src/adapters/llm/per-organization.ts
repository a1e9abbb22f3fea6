import type { LlmProvider } from "./interface";

/** A provider per organization, each with at most `limit` calls in flight in this process. */
export type LlmProviders = (organizationId: string) => LlmProvider;

/**
 * One organization's burst cannot take every model slot of a process: calls beyond its limit wait
 * in order for one of its own to finish. Per process (per isolate on Workers), like the embedded limiter.
 */
export function perOrganization(provider: LlmProvider, limit: number): LlmProviders {
  const lanes = new Map<string, { active: number; waiting: Array<() => void> }>();
  const acquire = async (org: string) => {
    const lane = lanes.get(org) ?? { active: 0, waiting: [] };
    lanes.set(org, lane);
    if (lane.active >= limit) await new Promise<void>((resolve) => lane.waiting.push(resolve));
    lane.active++;
    return () => {
      lane.active--;
      const next = lane.waiting.shift();
      if (next) next();
      else if (lane.active === 0) lanes.delete(org);
    };
  };
  return (organizationId) => ({
    name: provider.name,
    async complete(request) {
      const release = await acquire(organizationId);
      try {
        return await provider.complete(request);
      } finally {
        release();
      }
    },
  });
}
