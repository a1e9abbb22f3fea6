import { checkDestination } from "../documents/fetch";
import type { Services } from "../http/env";
import { PermanentPhaseError } from "../pipeline/types";
import { VERSION } from "../version";
import { signWebhook } from "./sign";

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

export interface SendOutcome {
  status: number | null;
  /** Why it did not arrive (a non-2xx answer or a failed request); null when delivered. */
  error: string | null;
  /** The destination is refused for good (not worth a retry). */
  permanent: boolean;
}

/** Signs an event Standard-Webhooks style and POSTs it: the one way per-run webhooks and endpoints send. */
export async function sendSigned(
  services: Services,
  send: { url: string; secret: string; id: string; timestamp: number; body: string },
): Promise<SendOutcome> {
  const headers = {
    "content-type": "application/json",
    "webhook-id": send.id,
    "webhook-timestamp": String(send.timestamp),
    "webhook-signature": await signWebhook(send.secret, send.id, send.timestamp, send.body),
  };
  try {
    const status = await post(services, send.url, headers, send.body);
    return { status, error: status >= 200 && status < 300 ? null : `answered ${status}`, permanent: false };
  } catch (e) {
    return { status: null, error: e instanceof Error ? e.message : String(e), permanent: e instanceof PermanentPhaseError };
  }
}
