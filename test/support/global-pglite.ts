import { PGlite } from "@electric-sql/pglite";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { schemaVersion } from "../../src/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** A dumped PGlite data folder with schema.sql applied, which every embedded test database starts from. */
    pgliteTemplate: string;
  }
}

/**
 * initdb in WebAssembly is most of a new PGlite's cost (seconds on a loaded machine), and every embedded
 * test app makes one. It runs once here: the migrated folder is dumped to a file named by schema.sql's
 * text and PGlite's version, so an edited schema makes a new one and an unchanged one is reused.
 * The schema is recorded as migrate() records it; the harness still runs migrate(), which then finds it.
 */
export default async function setup(project: TestProject) {
  const schemaSql = readFileSync(new URL("../../schema.sql", import.meta.url), "utf8");
  const { version } = JSON.parse(readFileSync(new URL("../../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8"));
  const checksum = createHash("sha256").update(schemaSql).digest("hex");
  const folder = join(tmpdir(), "sluice-test-pglite");
  const file = join(folder, `template-${version}-${checksum.slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const db = new PGlite();
    await db.exec(schemaSql);
    await db.query("insert into schema_migrations (version, checksum) values ($1, $2)", [schemaVersion(schemaSql), checksum]);
    const tar = await db.dumpDataDir("none");
    await db.close();
    mkdirSync(folder, { recursive: true });
    // Written aside and renamed: another run starting at the same time never reads half a file.
    writeFileSync(`${file}.${process.pid}`, Buffer.from(await tar.arrayBuffer()));
    renameSync(`${file}.${process.pid}`, file);
  }
  project.provide("pgliteTemplate", file);
}
