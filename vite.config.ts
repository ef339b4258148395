import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const inVitest = Boolean(process.env.VITEST);

const integrationSuite = ["test/integration/**/*.test.ts", "test/reliability/**/*.test.ts"];
/** What only SQLite has: its file (backups, WAL, a full disk), its connection and transaction internals; and the file that starts its own cluster. */
const sqliteOnly = [
  "test/integration/schema-parity.test.ts",
  "test/integration/database.test.ts",
  "test/integration/backups.test.ts",
  "test/integration/wal-checkpoint.test.ts",
  "test/integration/storage-full.test.ts",
];
/** What needs several processes on one database, which only PostgreSQL serves: the scale-out test. */
const postgresOnly = ["test/reliability/scale-out.test.ts"];

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  plugins: inVitest
    ? []
    : [
        remix({
          // Every v3 flag on: the move to React Router 7 becomes a rename (see README, decision 1).
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
            v3_routeConfig: true,
          },
        }),
      ],
  build: { target: "es2022" },
  test: {
    pool: "forks",
    // Two at a time: many integration files wait on child processes and PostgreSQL round trips, not the CPU.
    maxWorkers: 2,
    minWorkers: 1,
    // Integration tests hash passwords with scrypt and render PDFs: seconds on a busy two-core machine.
    testTimeout: 20_000,
    // Setup hooks seed a book, hash passwords and run a job pass before a file's tests.
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: "sqlite", include: ["test/unit/**/*.test.ts", ...integrationSuite], exclude: postgresOnly, setupFiles: ["test/setup/vitest.setup.ts"] },
      },
      // The integration suite again on PostgreSQL: a throwaway cluster, DATABASE_URL set before any file loads.
      {
        extends: true,
        test: {
          name: "postgres",
          include: integrationSuite,
          exclude: sqliteOnly,
          globalSetup: ["test/setup/postgres.global.ts"],
          setupFiles: ["test/setup/postgres.setup.ts", "test/setup/vitest.setup.ts"],
        },
      },
    ],
  },
});
