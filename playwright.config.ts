import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, e2eEnv } from "./test/e2e/support/env";

export default defineConfig({
  testDir: "test/e2e",
  // One server and one SQLite file shared by the journeys: run them one after the other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  // Generous: axe scans and server renders slow down a lot on a busy two-core machine.
  timeout: 60_000,
  reporter: [["list"]],
  // The log scan reads what every journey wrote, so it runs once they have all finished.
  projects: [
    { name: "journeys", testIgnore: /logs\// },
    { name: "logs", testMatch: /logs\/.*\.spec\.ts/, dependencies: ["journeys"] },
  ],
  use: {
    baseURL: E2E_BASE_URL,
    // Debtors arrive on phones: every journey runs at 360 px wide.
    viewport: { width: 360, height: 740 },
    locale: "fr-FR",
    timezoneId: "Europe/Paris",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  webServer: {
    command: "npx tsx test/e2e/support/serve.ts",
    url: `${E2E_BASE_URL}/privacy`,
    env: e2eEnv(),
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
  },
});
