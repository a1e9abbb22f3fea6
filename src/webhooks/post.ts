import { checkDestination } from "../documents/fetch";
import type { Services } from "../http/env";
import { PermanentPhaseError } from "../pipeline/types";
import { VERSION } from "../version";

/** Who is calling, for a receiver's logs and firewall rules. */
export const WEBHOOK_USER_AGENT = `Sluice-Webhooks/${VERSION}`;

/** POSTs one signed event to a receiver's URL, checked like a document fetch; answers its status. */
export async function post(services: Services, url: string, headers: Record<string, string>, body: string) {
  const { documents } = services.config;
  await checkDestination(new URL(url), { resolver: services.resolver, allowHosts: documents.fetchAllowHosts });
  // The fetcher never follows redirects (a receiver that moves must be re-registered, not chased into
  // our network) and, where the runtime allows, connects only to the address just checked.
  const res = await services.fetcher(new URL(url), { method: "POST", headers: { ...headers, "user-agent": WEBHOOK_USER_AGENT }, body, signal: AbortSignal.timeout(documents.fetchTimeoutMs) })
    .catch((error) => {
      // The address the name resolved to at connect time is refused just like one found by the check.
      throw (error as { code?: string }).code === "EADDRNOTALLOWED" ? new PermanentPhaseError("url_refused", (error as Error).message) : error;
    });
  await res.body?.cancel();
  return res.status;
}
