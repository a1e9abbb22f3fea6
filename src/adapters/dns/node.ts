import { lookup } from "node:dns/promises";
import type { HostResolver } from "./interface";

/** The operating system's resolver; a name that does not exist resolves to nothing (a refusal, not a retry). */
export const nodeResolver: HostResolver = {
  resolve: async (hostname) => {
    try {
      return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch (error) {
      if (["ENOTFOUND", "ENODATA"].includes((error as { code?: string }).code ?? "")) return [];
      throw error;
    }
  },
};
