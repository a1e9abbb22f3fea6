import { neonConfig } from "@neondatabase/serverless";
import { readFileSync } from "node:fs";
import type { TestProject } from "vitest/node";
import ws from "ws";
import { migrate } from "../../src/db/migrate";
import { createNeonDb } from "../../src/db/neon";
import { startNeonWsProxy } from "./neon-ws-proxy";
import { startRedisRestFront } from "./redis-rest";

export interface ServiceAddresses {
  databaseUrl: string;
  wsProxy: string;
  redisRestUrl: string;
  redisRestToken: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    services: ServiceAddresses;
  }
}

/**
 * Starts what real-service suites need: a fresh database on the local Postgres (reached only
 * through the Neon driver and a WebSocket proxy) and an Upstash-compatible REST front for Redis.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.SLUICE_TEST_DATABASE_URL!;
  const proxy = await startNeonWsProxy();
  const rest = await startRedisRestFront({ redisUrl: process.env.SLUICE_TEST_REDIS_URL!, token: "test-token" });
  neonConfig.webSocketConstructor = ws;

  const name = `sluice_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = createNeonDb({ connectionString: adminUrl, wsProxy: `${proxy.host}/v1`, webSocketConstructor: ws });
  await admin.runScript(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();

  const handle = createNeonDb({ connectionString: databaseUrl, wsProxy: `${proxy.host}/v1`, webSocketConstructor: ws });
  await migrate(handle, readFileSync(new URL("../../schema.sql", import.meta.url), "utf8"));
  await handle.close();

  project.provide("services", { databaseUrl, wsProxy: `${proxy.host}/v1`, redisRestUrl: rest.url, redisRestToken: rest.token });

  return async () => {
    await admin.runScript(`drop database if exists ${name} with (force)`);
    await admin.close();
    await rest.close();
    await proxy.close();
  };
}

