import { existsSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";

// Suites against real services run only where their addresses are given (.ci/run always gives them).
const servicesEnv = ["SLUICE_TEST_DATABASE_URL", "SLUICE_TEST_REDIS_URL"];
const missing = servicesEnv.filter((name) => !process.env[name]);
// Vitest loads this file once per project and per worker pool; the environment variable, inherited by
// every later load, keeps the skipped-suites lines to one print per `npm test`.
const firstLoad = !process.env.SLUICE_SKIPS_PRINTED;
process.env.SLUICE_SKIPS_PRINTED = "1";
if (firstLoad && missing.length > 0) {
  console.log(`[sluice] skipped suites: api-services, worker (set ${missing.join(", ")} to run them against real Postgres/Redis)`);
}

// The browser suite needs a Chromium binary (.ci/run installs Debian's); without one it says so instead of passing.
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromium);
if (firstLoad && !hasChromium) console.log(`[sluice] skipped suites: browser (no Chromium at ${chromium}; apt-get install chromium or set CHROMIUM_PATH)`);

// Suites whose subject is not the database (OCR, parsing hostile files, the API's own reference documents)
// run once, on the embedded defaults: on Postgres + Redis they would prove nothing more and cost minutes.
// A test/api file that is about stored state or a service's behaviour must not match these.
const embeddedOnly = [
  "test/api/ocr*.test.ts",
  "test/api/isolation.parse.test.ts",
  "test/api/hostile.office.test.ts",
  "test/api/documents.office.test.ts",
  "test/api/docs.*.test.ts",
  "test/api/openapi*.test.ts",
];

// Vitest runs (cores - 1) files at a time by default: on the 2-core CI machine one file at a time, while
// vitest's own process sat idle (10 s of CPU in 33 minutes of a full run), so a core went unused. Suites whose
// every test has its own in-process app and database (unit, api-embedded) run two files at a time, first;
// the suites sharing one Postgres, Redis or Chromium follow, one file at a time, as before.
const ownState = { maxWorkers: 2, sequence: { groupOrder: 0 } };
const sharedServices = { maxWorkers: 1, sequence: { groupOrder: 1 } };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/adapters/**/*.test.ts"], ...ownState } },
      {
        extends: true,
        test: {
          name: "api-embedded",
          // test/process: the Node entry as a real child process on a PGlite folder (kill -9 and restart).
          include: ["test/api/**/*.test.ts", "test/process/**/*.test.ts"],
          env: { SLUICE_TEST_TARGET: "embedded" },
          globalSetup: ["test/support/global-pglite.ts"],
          ...ownState,
        },
      },
      ...(hasChromium
        ? [{ extends: true as const, test: { name: "browser", include: ["test/browser/**/*.test.ts"], testTimeout: 60_000, globalSetup: ["test/support/global-pglite.ts"], ...sharedServices } }]
        : []),
      ...(missing.length > 0
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: "api-services",
                include: ["test/api/**/*.test.ts", "test/services/**/*.test.ts"],
                exclude: [...configDefaults.exclude, ...embeddedOnly],
                env: { SLUICE_TEST_TARGET: "services" },
                globalSetup: ["test/support/global-services.ts"],
                ...sharedServices,
              },
            },
            {
              extends: true as const,
              test: {
                name: "worker",
                include: ["test/worker/**/*.test.ts"],
                globalSetup: ["test/support/global-services.ts", "test/support/global-worker-bundle.ts"],
                ...sharedServices,
              },
            },
          ]),
    ],
  },
});
