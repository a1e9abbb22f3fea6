import { lookup } from "node:dns/promises";
import type { HostResolver } from "./interface";

/** The operating system's resolver (what Node's own fetch will use a moment later). */
export const nodeResolver: HostResolver = {
  resolve: async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address),
};
