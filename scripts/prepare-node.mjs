/**
 * Run before `npm start` (prestart) and after `npm install` (postinstall), in plain Node so it
 * costs no TypeScript compile itself. Makes the two things that dominated start-up happen once:
 *   - dist/entry/node.mjs: the Node entry bundled by esbuild (packages stay external), with the OCR
 *     thread's scripts beside it (ocr-thread.mjs, tesseract-worker.cjs), rebuilt
 *     only when a file under src/ or package.json is newer, so `npm start` skips tsx's compile;
 *   - dist/pglite-template-<version>.tar: a freshly initialised PGlite data folder with schema.sql
 *     applied (rebuilt when schema.sql is newer), which a new data folder is loaded from instead of
 *     running initdb in WebAssembly and the whole schema (see src/db/pglite.ts).
 */
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bundle = join(root, "dist/entry/node.mjs");

/** Newest modification time of a file under `dir`. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

const sourcesChanged = () =>
  !existsSync(bundle) ||
  statSync(bundle).mtimeMs < Math.max(newest(join(root, "src")), statSync(join(root, "package.json")).mtimeMs);

if (sourcesChanged()) {
  const common = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", sourcemap: "linked", logLevel: "warning" };
  // The parse box's thread entry goes next to the Node entry (src/entry/compose.ts finds it there).
  await build({
    ...common, entryPoints: [join(root, "src/entry/node.ts"), join(root, "src/entry/parse-worker.ts")], outdir: join(root, "dist/entry"),
    outExtension: { ".js": ".mjs" }, // `npm start` runs node.mjs; the box looks for parse-worker.mjs beside it
  });
  // The OCR threads' scripts sit next to the entry, where src/adapters/ocr/threads.ts looks for them.
  await build({ ...common, entryPoints: [join(root, "src/adapters/ocr/thread.ts")], outfile: join(root, "dist/entry/ocr-thread.mjs") });
  copyFileSync(join(root, "src/adapters/ocr/tesseract-worker.cjs"), join(root, "dist/entry/tesseract-worker.cjs"));
}

// Named by PGlite's version: a data folder from another version would not open. Same name in src/db/pglite.ts.
const { version } = JSON.parse(readFileSync(join(root, "node_modules/@electric-sql/pglite/package.json"), "utf8"));
const template = join(root, `dist/pglite-template-${version}.tar`);
const schemaSql = readFileSync(join(root, "schema.sql"), "utf8");
if (!existsSync(template) || statSync(template).mtimeMs < statSync(join(root, "schema.sql")).mtimeMs) {
  const { PGlite } = await import("@electric-sql/pglite");
  const scratch = join(tmpdir(), `sluice-pglite-template-${process.pid}`);
  try {
    const db = new PGlite(scratch);
    await db.waitReady;
    // The schema too, recorded as migrate() records it; should anything differ, migrate() just applies it again.
    await db.exec(schemaSql);
    const version = Number(/^--\s*schema-version:\s*(\d+)/m.exec(schemaSql)?.[1]);
    const checksum = createHash("sha256").update(schemaSql).digest("hex");
    await db.query("insert into schema_migrations (version, checksum) values ($1, $2)", [version, checksum]);
    const tar = await db.dumpDataDir("none");
    await db.close();
    mkdirSync(join(root, "dist"), { recursive: true });
    // Written aside and renamed, so a concurrent start never loads half a template.
    writeFileSync(`${template}.partial`, Buffer.from(await tar.arrayBuffer()));
    renameSync(`${template}.partial`, template);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
