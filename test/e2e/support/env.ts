import { testEnv } from "../../support/env";

// Overridable so that two checkouts can run their journeys side by side.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 4310);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATABASE = ".data/e2e/relance.db";
export const E2E_SERVER_LOG = ".data/e2e/server.log";
/** The journeys happen on Friday 20 November 2026, 10:00 in Paris. */
export const E2E_TODAY = "2026-11-20";
export const E2E_NOW = "2026-11-20T09:00:00Z";

export function e2eEnv(): Record<string, string> {
  return testEnv({
    PUBLIC_BASE_URL: E2E_BASE_URL,
    PORT: String(E2E_PORT),
    DATABASE_PATH: E2E_DATABASE,
    TEST_FIXED_NOW: E2E_NOW,
  });
}
