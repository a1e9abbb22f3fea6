import { PGlite } from "@electric-sql/pglite";
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
 */
export async function createPgliteDb(dataDir?: string): Promise<DbHandle> {
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  const counter = { count: 0 };
  const db = new Kysely<Database>({ dialect: countingDialect(pgliteDialect(client), counter) });
  return {
    db,
    // Only migrate() runs scripts, and it already holds the single connection.
    runScript: async (sql) => void (await client.exec(sql)),
    roundTrips: () => counter.count,
    close: () => db.destroy(),
  };
}

function pgliteDialect(client: PGlite): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createDriver: () => new PgliteDriver(client),
  };
}

class PgliteDriver implements Driver {
  #queue: Promise<void> = Promise.resolve();
  #release = new WeakMap<DatabaseConnection, () => void>();

  constructor(private readonly client: PGlite) {}

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const turn = this.#queue;
    this.#queue = new Promise((resolve) => (release = resolve));
    await turn;
    const connection = new PgliteConnection(this.client);
    this.#release.set(connection, release);
    return connection;
  }

  async releaseConnection(connection: DatabaseConnection) {
    this.#release.get(connection)?.();
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
