import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { seededDb, databaseEnv } from "../support/db";
import { databaseDigest } from "../support/digest";
import { productionEnv, testEnv } from "../support/env";
import { args, outcome } from "../support/routes";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devPaymentProvider } from "~/integrations/payments.server";
import { createSmsSender } from "~/integrations/sms.server";
import * as outbox from "~/routes/dev.outbox._index";
import * as outboxMessage from "~/routes/dev.outbox.$messageId";
import * as checkout from "~/routes/dev.checkout.$sessionId";
import { checkoutSessions, debtors, devOutbox } from "../../db/tables";
import { first, one } from "../../db/client";

/**
 * The development doors (/dev/outbox, /dev/checkout) exist in demo mode only: in production they are
 * 404 whatever keys are missing or set, and the checkout is never reachable by a guessable id.
 */
const BASE = "http://localhost:4310";
let path: string;
let sessionId: string;
let rowId: number;
let messageId: number;

function useEnv(env: Record<string, string>) {
  for (const name of Object.keys(productionEnv())) delete process.env[name];
  Object.assign(process.env, env, databaseEnv(path));
  resetEnvCache();
}

const statusOf = (answer: unknown) => (answer instanceof Response ? answer.status : 200);
const get = (route: { loader: (a: never) => unknown }, url: string, params: Record<string, string>) =>
  outcome(() => route.loader(args(new Request(`${getEnv().PUBLIC_BASE_URL}${url}`), params) as never));

beforeAll(async () => {
  path = (await seededDb("2026-11-20")).path;
  useEnv(testEnv());
  closeDb();
  const db = getDb();
  const debtor = first(await db.select().from(debtors).limit(1))!;
  const created = await devPaymentProvider(BASE).createCheckout({ checkoutId: 1 } as never);
  if (created.status !== "success") throw new Error("no dev checkout");
  sessionId = created.sessionId;
  rowId = one(await db.insert(checkoutSessions).values({ debtorId: debtor.id, providerSessionId: sessionId, currency: "EUR", totalCents: 12_000, allocations: [] }).returning()).id;
  messageId = one(
    await db
      .insert(devOutbox)
      .values({ channel: "email", fromAddress: "a@b.fr", toAddress: "c@d.fr", subject: "Code", text: `Votre code : 123456 ${BASE}/l/x` })
      .returning(),
  ).id;
});
afterEach(() => useEnv(testEnv()));

describe("demo mode", () => {
  it("serves the development outbox and finds a development checkout by its random session id only", async () => {
    expect(statusOf(await get(outbox, "/dev/outbox", {}))).toBe(200);
    expect(statusOf(await get(outboxMessage, `/dev/outbox/${messageId}`, { messageId: String(messageId) }))).toBe(200);
    expect(sessionId).toMatch(/^dev_cs_[\w-]{22}$/);
    const again = await devPaymentProvider(BASE).createCheckout({ checkoutId: 1 } as never);
    expect(again.status === "success" && again.sessionId).not.toBe(sessionId);
    expect(statusOf(await get(checkout, `/dev/checkout/${sessionId}`, { sessionId }))).toBe(200);
    for (const guess of [String(rowId), `dev_cs_${rowId}`]) expect(statusOf(await get(checkout, `/dev/checkout/${guess}`, { sessionId: guess }))).toBe(404);
  });

  it("shows SMS kept in the outbox even when Resend is configured (Twilio is not)", async () => {
    useEnv(testEnv({ RESEND_API_KEY: "re_test_key" }));
    const sent = await createSmsSender(getEnv(), getDb()).send({ to: "+33612345678", body: "Code : 654321", idempotencyKey: "sms-kept-visible" });
    expect(sent.status).toBe("success");
    const page = (await get(outbox, "/dev/outbox", {})) as { messages: { text: string }[] };
    expect(page.messages.map((m) => m.text)).toContain("Code : 654321");
  });
});

describe("production mode", () => {
  it("answers 404 on every /dev page and action, for existing messages and checkouts too, and writes nothing", async () => {
    useEnv(productionEnv());
    const before = await databaseDigest(getDb());
    expect(statusOf(await get(outbox, "/dev/outbox", {}))).toBe(404);
    expect(statusOf(await get(outboxMessage, `/dev/outbox/${messageId}`, { messageId: String(messageId) }))).toBe(404);
    expect(statusOf(await get(checkout, `/dev/checkout/${sessionId}`, { sessionId }))).toBe(404);
    const pay = new Request(`${getEnv().PUBLIC_BASE_URL}/dev/checkout/${sessionId}`, {
      method: "POST",
      headers: { Origin: getEnv().PUBLIC_BASE_URL },
      body: new URLSearchParams({ intent: "pay" }),
    });
    expect(statusOf(await outcome(() => checkout.action(args(pay, { sessionId }))))).toBe(404);
    expect(first(await getDb().select().from(checkoutSessions).where(eq(checkoutSessions.id, rowId)))!.status).toBe("open");
    expect(await databaseDigest(getDb())).toEqual(before);
  });
});
