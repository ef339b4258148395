import { expect, test } from "@playwright/test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { E2E_SERVER_LOG } from "../support/env";
import { SERVED_LOG_DIR } from "../../support/served";
import { findTokenLeaks } from "../../support/token-leaks";

// Runs after every other journey (the "logs" project depends on them): the e2e server's log and the
// logs of every server and job the journeys started are scanned for link tokens (M10).
test("no log written by the journeys carries a link token", () => {
  const files = [E2E_SERVER_LOG, ...(existsSync(SERVED_LOG_DIR) ? readdirSync(SERVED_LOG_DIR).map((name) => join(SERVED_LOG_DIR, name)) : [])];
  const serverLog = readFileSync(E2E_SERVER_LOG, "utf8");
  // The scan means something only if links were opened and logged (redacted).
  expect(serverLog).toMatch(/^GET \/l\/\[redacted\] 200/m);
  expect(serverLog).toMatch(/^POST \/l\/\[redacted\]\/continue 303/m);
  const leaks = files.flatMap((file) => findTokenLeaks(readFileSync(file, "utf8"), file));
  expect(leaks).toEqual([]);
});

test("the scan catches a leaked signed link and a leaked SMS token", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.c2lnbmF0dXJl";
  expect(findTokenLeaks(`GET /l/${jwt} 200 - - 3 ms\nGET /privacy 200`, "x.log")).toHaveLength(1);
  expect(findTokenLeaks("POST /s/Ab3_dE-fGh1JkLmNoPqRsT 303", "x.log")).toHaveLength(1);
  expect(findTokenLeaks(`Error: Referer http://localhost/x?t=${jwt}`, "x.log")).toHaveLength(1);
  expect(findTokenLeaks("GET /l/[redacted] 200\nGET /portal/invoices/1234567890123456789012 200", "x.log")).toEqual([]);
});
