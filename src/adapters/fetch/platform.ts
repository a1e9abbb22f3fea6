import type { Fetcher } from "./interface";

/**
 * The runtime's own fetch, for Workers: it cannot pin the address it connects to, so the resolver
 * check before each hop is the guard there (and Workers have no route into our private network).
 */
export const platformFetcher: Fetcher = (url, init) => fetch(url, { ...init, redirect: "manual" });
