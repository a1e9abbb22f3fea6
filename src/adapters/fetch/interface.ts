/**
 * The HTTP client for URLs callers hand us (`file_url`, webhooks). It never follows redirects:
 * callers check every hop themselves. Where the runtime lets it, it also refuses forbidden
 * addresses at connect time, so a DNS answer cannot change between the check and the connection.
 */
export type Fetcher = (url: URL, init: RequestInit & { signal: AbortSignal }) => Promise<Response>;
