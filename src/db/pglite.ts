import { PGlite } from "@electric-sql/pglite";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from "kysely";
import { countingDialect, type DbHandle } from "./handle";
import type { Database } from "./types";

/**
 * The embedded default: PGlite in this process, persisted under `dataDir` (or in memory).
 * PGlite is a single connection, so the driver hands it out to one user at a time;
 * without that lock two transactions would interleave on the same session.
 * `template`: a dumped data folder (PGlite's dumpDataDir) an in-memory database starts from.
 */
export async function createPgliteDb(dataDir?: string, options: { templateDir?: URL; template?: Blob } = {}): Promise<DbHandle> {
  const folderTemplate = dataDir && options.templateDir ? freshFolderTemplate(dataDir, options.templateDir) : undefined;
  const loadDataDir = dataDir ? folderTemplate : options.template;
  const client = new PGlite({ dataDir, loadDataDir });
  await client.waitReady;
  const counter = { count: 0 };
  const turns = new Turns();
  const db = new Kysely<Database>({ dialect: countingDialect(pgliteDialect(client, turns, "api"), counter) });
  const background = new Kysely<Database>({ dialect: countingDialect(pgliteDialect(client, turns, "background"), counter) });
  return {
    db,
    background,
    // Only migrate() runs scripts, and it already holds the single connection.
    runScript: async (sql) => void (await client.exec(sql)),
    roundTrips: () => counter.count,
    // Both query builders share the one client; destroying one closes it.
    close: () => db.destroy(),
  };
}

/**
 * For a data folder that holds no database yet, the initialised folder scripts/prepare-node.mjs
 * dumped into `templateDir` for this PGlite version: loading it skips initdb, most of a fresh start.
 */
function freshFolderTemplate(dataDir: string, templateDir: URL): Blob | undefined {
  if (existsSync(join(dataDir, "PG_VERSION"))) return undefined;
  const { version } = JSON.parse(readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", templateDir), "utf8"));
  const template = new URL(`pglite-template-${version}.tar`, templateDir);
  return existsSync(template) ? new Blob([readFileSync(template)]) : undefined;
}

function pgliteDialect(client: PGlite, turns: Turns, lane: Lane): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createDriver: () => new PgliteDriver(client, turns, lane),
  };
}

type Lane = "api" | "background";

/** API turns in a row after which a waiting engine statement goes first (bench:load: without it, writers starved the engine to ~1 document/s). */
const API_TURNS_BEFORE_ENGINE = 4;

/**
 * Who holds the single session next. API requests go before the engine's waiting statements, so a
 * read waits for at most the statement or transaction in progress and one of the engine's,
 * never for a queue of phase work; yet a steady stream of requests cannot stop the engine.
 */
class Turns {
  #busy = false;
  #apiInARow = 0;
  #waiting: Record<Lane, Array<() => void>> = { api: [], background: [] };

  async take(lane: Lane): Promise<void> {
    // PGlite answers without I/O, so the engine's chain of statements would otherwise never let
    // the event loop read a socket or fire a timer: it steps aside once per statement.
    if (lane === "background") await new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.#busy) {
      this.#busy = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting[lane].push(resolve));
  }

  give() {
    const engineDue = this.#apiInARow >= API_TURNS_BEFORE_ENGINE && this.#waiting.background.length > 0;
    const api = engineDue ? undefined : this.#waiting.api.shift();
    this.#apiInARow = api ? this.#apiInARow + 1 : 0;
    const next = api ?? this.#waiting.background.shift();
    if (next) next();
    else this.#busy = false;
  }
}

class PgliteDriver implements Driver {
  #held = new WeakSet<DatabaseConnection>();

  constructor(private readonly client: PGlite, private readonly turns: Turns, private readonly lane: Lane) {}

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.turns.take(this.lane);
    const connection = new PgliteConnection(this.client);
    this.#held.add(connection);
    return connection;
  }

  async releaseConnection(connection: DatabaseConnection) {
    if (this.#held.delete(connection)) this.turns.give();
  }

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("begin"));
  }

  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async destroy() {
    await this.client.close();
  }
}

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly client: PGlite) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.client.query<R>(query.sql, [...query.parameters]);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("PGlite does not stream; read in keyset pages instead");
  }
}
