import { Kysely, type DatabaseConnection, type Dialect, type Driver, type TransactionSettings } from "kysely";
import type { Database } from "./types";

/**
 * A connected database: the typed query builder, a way to run a multi-statement script
 * (schema.sql), and a count of statements sent, which is how round trips are measured.
 */
export interface DbHandle {
  /** For API requests. */
  db: Kysely<Database>;
  /**
   * For the engine's background work (queue deliveries): the same database, but its statements
   * never make an API request wait behind them (a lower-priority lane or its own connections).
   */
  background: Kysely<Database>;
  runScript(sql: string): Promise<void>;
  roundTrips(): number;
  close(): Promise<void>;
}

/** Wraps a dialect so every statement (including BEGIN/COMMIT) is counted as a round trip. */
export function countingDialect(dialect: Dialect, counter: { count: number }): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => countingDriver(dialect.createDriver(), counter),
  };
}

function countingDriver(driver: Driver, counter: { count: number }): Driver {
  // The driver must get its own connection objects back; the wrapper only counts.
  const originals = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const original = (wrapped: DatabaseConnection) => originals.get(wrapped) ?? wrapped;
  const count = <T>(work: Promise<T>) => {
    counter.count++;
    return work;
  };
  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    releaseConnection: (connection) => driver.releaseConnection(original(connection)),
    beginTransaction: (connection: DatabaseConnection, settings: TransactionSettings) =>
      count(driver.beginTransaction(original(connection), settings)),
    commitTransaction: (connection) => count(driver.commitTransaction(original(connection))),
    rollbackTransaction: (connection) => count(driver.rollbackTransaction(original(connection))),
    acquireConnection: async () => {
      const connection = await driver.acquireConnection();
      const wrapped: DatabaseConnection = {
        executeQuery: (query) => count(connection.executeQuery(query)),
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      };
      originals.set(wrapped, connection);
      return wrapped;
    },
  };
}
