/**
 * The Office and e-mail parsers as Worker modules of their own (wrangler.toml [build] runs this before
 * every `wrangler deploy`/`dev`): bundled into the Worker, mammoth, postal-mime and msgreader were
 * ~590 KB of script evaluated at every isolate start. Each is bundled here, once, into
 * src/entry/vendor/<name>.mjs (not committed), which wrangler uploads beside the entry
 * (find_additional_modules) and worker.ts imports on the first document of that format.
 * Minified, because workerd still compiles every uploaded module when an isolate starts, imported or
 * not (cloudflare/workerd#2372): SheetJS's ESM source is 1 MB as published, 0.5 MB minified.
 * Plain Node, rebuilt only when package-lock.json, this script or the iconv stand-in is newer.
 */
import { build } from "esbuild";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const outdir = join(root, "src/entry/vendor");
// What each Worker module exports: the package's default export, or (SheetJS) its named exports.
const vendors = {
  mammoth: 'import vendor from "mammoth";\nexport default vendor;\n',
  "postal-mime": 'import vendor from "postal-mime";\nexport default vendor;\n',
  msgreader: 'import vendor from "@kenjiuno/msgreader";\nexport default vendor;\n',
  xlsx: 'export * from "@e965/xlsx";\n',
};
// msgreader decodes old Outlook messages' ANSI strings through iconv-lite, which needs Node's Buffer.
const iconv = join(root, "src/entry/iconv-textdecoder.ts");

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
const inputs = Math.max(mtime(join(root, "package-lock.json")), mtime(new URL(import.meta.url).pathname), mtime(iconv));

for (const [name, contents] of Object.entries(vendors)) {
  const outfile = join(outdir, `${name}.mjs`);
  if (mtime(outfile) > inputs) continue;
  await build({
    stdin: { contents, resolveDir: root, loader: "js" },
    outfile, bundle: true, format: "esm", platform: "browser", conditions: ["workerd", "worker", "browser"],
    target: "es2022", minify: true, legalComments: "none", alias: { "iconv-lite": iconv }, logLevel: "warning",
  });
}
