import { createRequire } from "node:module";
import { renameSync } from "node:fs";

/**
 * The parse box's thread entry as a plain module Node runs without a loader: the bundle's
 * sibling in dist/entry/ (scripts/prepare-node.mjs builds it), or, when running from source
 * (tsx, tests: Node 20 threads do not inherit tsx's loader), parse-worker.ts bundled now.
 */
export function parseWorkerEntry(): URL {
  if (!import.meta.url.endsWith(".ts")) return new URL("./parse-worker.mjs", import.meta.url);
  const out = new URL(`../../dist/entry/parse-worker-source.mjs`, import.meta.url);
  const { buildSync } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  // Written aside and renamed: test files starting at once never run half a file.
  const partial = `${out.pathname}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  buildSync({
    entryPoints: [new URL("./parse-worker.ts", import.meta.url).pathname], outfile: partial, bundle: true,
    platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning",
  });
  renameSync(partial, out.pathname);
  return out;
}
