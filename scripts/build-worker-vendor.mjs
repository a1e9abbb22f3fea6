/**
 * The Office and e-mail parsers as Worker modules of their own (wrangler.toml [build] runs this before
 * every `wrangler deploy`/`dev`): bundled into the Worker, mammoth, postal-mime and msgreader were
 * ~590 KB of script workerd compiled at every isolate start. Each is bundled here, once, into
 * src/entry/vendor/<name>.mjs (not committed), which wrangler uploads beside the entry
 * (find_additional_modules) and worker.ts imports on the first document of that format.
 * Plain Node, rebuilt only when package-lock.json, this script or the iconv stand-in is newer.
 */
import { build } from "esbuild";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const outdir = join(root, "src/entry/vendor");
// The module each Worker module re-exports as its default export.
const vendors = { mammoth: "mammoth", "postal-mime": "postal-mime", msgreader: "@kenjiuno/msgreader" };
// msgreader decodes old Outlook messages' ANSI strings through iconv-lite, which needs Node's Buffer.
const iconv = join(root, "src/entry/iconv-textdecoder.ts");

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const inputs = Math.max(mtime(join(root, "package-lock.json")), mtime(new URL(import.meta.url).pathname), mtime(iconv));

for (const [name, pkg] of Object.entries(vendors)) {
  const outfile = join(outdir, `${name}.mjs`);
  if (mtime(outfile) > inputs) continue;
  await build({
    stdin: { contents: `import vendor from ${JSON.stringify(pkg)};\nexport default vendor;\n`, resolveDir: root, loader: "js" },
    outfile, bundle: true, format: "esm", platform: "browser", conditions: ["workerd", "worker", "browser"],
    target: "es2022", minify: true, legalComments: "none", alias: { "iconv-lite": iconv }, logLevel: "warning",
  });
}
