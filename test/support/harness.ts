import { readFileSync } from "node:fs";
import { inject } from "vitest";
import ws from "ws";
import type { Scope } from "../../src/http/env";
import { mintApiKey } from "../../src/api-keys";
import { bootstrapOrganization } from "../../src/bootstrap";
import type { Clock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import type { HostResolver } from "../../src/adapters/dns/interface";
import type { DbHandle } from "../../src/db/handle";
import { migrate } from "../../src/db/migrate";
import { createNeonDb } from "../../src/db/neon";
import { createPgliteDb } from "../../src/db/pglite";
import { insertApiKey } from "../../src/db/queries/api-keys";
import { compose } from "../../src/entry/compose";
import { silentLogger, type Logger } from "../../src/logger";
import { OpenApiConformance } from "./openapi-conformance";

export const schemaSql = readFileSync(new URL("../../schema.sql", import.meta.url), "utf8");

/** Which backing services this run uses: in-process defaults, or real Postgres (Neon driver) + Redis (Upstash). */
export const target = (process.env.SLUICE_TEST_TARGET ?? "embedded") as "embedded" | "services";

/** The migrated data folder ./global-pglite.ts dumped, read once per test file. */
let pgliteTemplate: Blob | undefined;

export async function openTestDb(): Promise<DbHandle> {
  if (target === "embedded") {
    pgliteTemplate ??= new Blob([readFileSync(inject("pgliteTemplate"))]);
    const handle = await createPgliteDb(undefined, { template: pgliteTemplate });
    // Finds the schema the template recorded and applies nothing (it would, were schema.sql another text).
    await migrate(handle, schemaSql);
    return handle;
  }
  const services = inject("services");
  return createNeonDb({ connectionString: services.databaseUrl, wsProxy: services.wsProxy, webSocketConstructor: ws });
}

function serviceEnv(): Record<string, string> {
  if (target === "embedded") return {};
  const services = inject("services");
  return { UPSTASH_REDIS_REST_URL: services.redisRestUrl, UPSTASH_REDIS_REST_TOKEN: services.redisRestToken };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Stands in for DNS, so a test can make a public-looking host resolve anywhere. */
  resolver?: HostResolver;
  /** Where the app logs; silent unless a test reads the lines. */
  logger?: Logger;
}

/**
 * The real app on the chosen backing services, with a fresh organization and admin key.
 * Tenants isolate tests from one another on the shared Postgres; limiter keys get a unique prefix.
 */
export async function startTestApp(options: TestAppOptions = {}) {
  const handle = await openTestDb();
  // Every answer is checked against the schema that documents it; a broken one fails the test as a 500.
  const config = loadConfig({ PUBLIC_URL: "http://sluice.test", RESPONSE_CHECK: "strict", ...serviceEnv(), ...options.env });
  const composition = compose(config, handle, {
    logger: options.logger ?? silentLogger,
    clock: options.clock,
    resolver: options.resolver,
    limiterPrefix: `test:${crypto.randomUUID()}`,
  });
  const { db } = composition.services;
  const first = await bootstrapOrganization(db, "test org");

  // Every response the API suite receives is checked against the document the app serves.
  let conformance: Promise<OpenApiConformance> | undefined;
  const documented = () =>
    (conformance ??= (async () => new OpenApiConformance(await (await composition.app.request("http://sluice.test/openapi.json")).json()))());

  /** `client`: the socket address the request comes from, as Node's server would see it. */
  const request = async (path: string, init: RequestInit & { key?: string | null; json?: unknown; client?: string } = {}) => {
    const headers = new Headers(init.headers);
    const key = init.key === undefined ? first.api_key : init.key;
    if (key) headers.set("X-API-Key", key);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    const url = `http://sluice.test${path}`;
    const socket = init.client ? { incoming: { socket: { remoteAddress: init.client } } } : undefined;
    const response = await composition.app.request(url, { ...init, headers, body }, socket);
    await (await documented()).check(init.method ?? "GET", url, response);
    return response;
  };

  return {
    ...composition,
    db,
    organizationId: first.organization_id,
    adminKey: first.api_key,
    request,
    /** Postgres round trips made through this app's connection so far. */
    roundTrips: () => handle.roundTrips(),
    /** Another key of this organization, straight into the database. */
    async createKey(scopes: Scope[], organizationId = first.organization_id) {
      const key = await mintApiKey();
      await insertApiKey(db, { organizationId, name: `test ${scopes.join("+")}`, prefix: key.prefix, hash: key.hash, scopes });
      return key.secret;
    },
    /** A second tenant with its own admin key. */
    async otherTenant() {
      return bootstrapOrganization(db, "other org");
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;
