import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { exchangeLink, issueLinks, openSessions, preparedDatabase, removeDatabase, startServer, type ServedApp } from "../support/served";
import { E2E_NOW, E2E_TODAY } from "./support/env";

// The built server in production mode on its own database, a second connection holding the write lock.
let app: ServedApp;
let path: string;

test.beforeAll(async () => {
  path = await preparedDatabase(E2E_TODAY);
  app = await startServer(path, { TEST_FIXED_NOW: E2E_NOW });
});

test.afterAll(async () => {
  await app?.stop();
  if (path) removeDatabase(path);
});

test("a write held too long by another process answers 503 with Retry-After, never a 500, and nothing is lost", async () => {
  test.setTimeout(60_000);
  const [cookie] = await openSessions(app, 1);
  const [token] = await issueLinks(app, 1);
  const before = app.output().length;

  const locker = new Database(path);
  locker.exec("BEGIN IMMEDIATE");
  try {
    // Reading goes on under WAL: the portal still shows.
    const home = await fetch(`${app.url}/portal`, { headers: { Cookie: cookie! } });
    expect(home.status).toBe(200);

    // Pressing "Continuer" needs to write: after the busy timeout, a page that says to try again.
    const page = await exchangeLink(app, token!, "203.0.113.7");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-type")).toContain("text/html");
    const body = await page.text();
    expect(body).toContain("Un instant, s'il vous plaît");
    expect(body).toContain("Rien n'a été enregistré");
    expect(page.headers.get("set-cookie")).toBeNull();

    // A client-side submission (single fetch) gets the same status.
    const data = await fetch(`${app.url}/l/${token}.data`, {
      method: "POST",
      headers: { Origin: app.url, "X-Forwarded-For": "203.0.113.8", "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(data.status).toBe(503);
    expect(data.headers.get("retry-after")).toBe("5");
  } finally {
    locker.exec("ROLLBACK");
    locker.close();
  }

  // Once the lock is gone, the same link works: the refusal used nothing up.
  const retried = await exchangeLink(app, token!, "203.0.113.7");
  expect(retried.status).toBe(303);
  expect(retried.headers.get("location")).toBe("/portal");

  const log = app.output().slice(before);
  expect(log).toContain("[busy] SQLITE_BUSY while serving POST /l/[redacted]: answered 503, Retry-After 5s");
  expect(log).not.toContain("Error while serving");
  expect(log).not.toContain(token!);
});
