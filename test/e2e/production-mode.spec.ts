import { expect, test } from "@playwright/test";
import { setTimeout as sleep } from "node:timers/promises";
import { FakeResend } from "../fakes/resend-server";
import { FakeStripe } from "../fakes/stripe-server";
import { FakeTwilio } from "../fakes/twilio-server";
import { productionEnv } from "../support/env";
import { exchangeLink, issueLinks, preparedDatabase, removeDatabase, startChild, startServer, type ServedApp } from "../support/served";
import { openDatabase } from "../../db/client";
import { DEMO_LOGIN } from "../../db/seed";

// The built server (build/, through scripts/serve.ts) in production mode: no development door, ever.
// Every provider variable is given explicitly, empty meaning unset, so a local .env cannot fill one in.
const PROVIDERS = [
  "RESEND_API_KEY",
  "RESEND_WEBHOOK_SECRET",
  "RESEND_BASE_URL",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "STRIPE_API_BASE_URL",
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_MESSAGING_SERVICE_SID",
  "TWILIO_FROM_NUMBER",
  "TWILIO_API_BASE_URL",
  "TEST_FIXED_NOW",
];
const unset = Object.fromEntries(PROVIDERS.map((name) => [name, ""]));
const NOW = "2026-11-20T09:00:00Z";

/** Opens debtors' sessions until one has a phone on file, and asks the step-up code by SMS there. */
async function askStepUpCodeBySms(app: ServedApp): Promise<{ to: string }> {
  for (const [i, token] of (await issueLinks(app, 10)).entries()) {
    const exchanged = await exchangeLink(app, token, `198.51.100.${i + 10}`);
    const cookie = exchanged.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await fetch(`${app.url}/portal/verify`, { headers: { Cookie: cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const contact = /value="(sms:\d+)"/.exec(page)?.[1];
    if (!csrf || !contact) continue;
    const answer = await fetch(`${app.url}/portal/verify`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: app.env.PUBLIC_BASE_URL!, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, intent: "send", contact }),
    });
    expect(answer.status).toBeLessThan(400);
    const db = openDatabase(app.env.DATABASE_PATH!);
    try {
      const row = db.$client.prepare("select phone from debtor_contacts where id = ?").get(Number(contact.split(":")[1])) as { phone: string };
      return { to: row.phone };
    } finally {
      db.$client.close();
    }
  }
  throw new Error("no debtor with a phone among the first ten");
}

async function exitOf(child: ReturnType<typeof startChild>): Promise<number | null> {
  for (let i = 0; i < 600 && child.process.exitCode === null; i++) await sleep(100);
  return child.process.exitCode;
}

test("without provider keys, the server and the job refuse to start, one line per missing setting", async () => {
  test.setTimeout(120_000);
  const database = await preparedDatabase("2026-11-20");
  try {
    const env = { ...productionEnv(unset), DATABASE_PATH: database, PORT: "0", RELANCE_MODE: "production" };
    for (const args of [["scripts/serve.ts"], ["jobs/run.ts", "once"]]) {
      const child = startChild(args, env);
      const code = await exitOf(child);
      if (code === null) await child.stop();
      expect(code, `${args[0]} still running after a minute`).not.toBeNull();
      expect(code, args[0]).not.toBe(0);
      const output = child.output();
      expect(output, args[0]).toContain("Relance cannot start, the environment is invalid:");
      for (const name of ["RESEND_API_KEY", "RESEND_WEBHOOK_SECRET", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]) {
        expect(
          output.split("\n").filter((line) => line.startsWith(`  - ${name}: is required in production`)),
          `${args[0]} ${name}`,
        ).toHaveLength(1);
      }
    }
  } finally {
    removeDatabase(database);
  }
});

test.describe("with every provider pointed at the local fakes", () => {
  const resend = new FakeResend();
  const stripe = new FakeStripe();
  const twilioEnv = productionEnv();
  const twilio = new FakeTwilio(twilioEnv.TWILIO_ACCOUNT_SID!, twilioEnv.TWILIO_AUTH_TOKEN!);
  let database: string;
  let app: ServedApp;
  let env: Record<string, string>;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    twilio.clock = () => new Date(NOW);
    env = productionEnv({
      ...unset,
      RESEND_API_KEY: twilioEnv.RESEND_API_KEY!,
      RESEND_WEBHOOK_SECRET: twilioEnv.RESEND_WEBHOOK_SECRET!,
      STRIPE_SECRET_KEY: twilioEnv.STRIPE_SECRET_KEY!,
      STRIPE_WEBHOOK_SECRET: twilioEnv.STRIPE_WEBHOOK_SECRET!,
      TWILIO_ACCOUNT_SID: twilioEnv.TWILIO_ACCOUNT_SID!,
      TWILIO_AUTH_TOKEN: twilioEnv.TWILIO_AUTH_TOKEN!,
      TWILIO_MESSAGING_SERVICE_SID: twilioEnv.TWILIO_MESSAGING_SERVICE_SID!,
      RESEND_BASE_URL: await resend.start(),
      STRIPE_API_BASE_URL: await stripe.start(),
      TWILIO_API_BASE_URL: await twilio.start(),
    });
    database = await preparedDatabase("2026-11-20");
    env.DATABASE_PATH = database;
    // Production wants https: the server believes it is https://127.0.0.1:<port>, as behind a TLS proxy
    // that keeps the Host header, so forms must come from that origin.
    app = await startServer(database, (port) => ({ ...env, PUBLIC_BASE_URL: `https://127.0.0.1:${port}` }));
  });
  test.afterAll(async () => {
    await app?.stop();
    await Promise.all([resend.stop(), stripe.stop(), twilio.stop()]);
    if (database) removeDatabase(database);
  });

  test("every /dev page and action is a 404", async () => {
    for (const [method, path] of [
      ["GET", "/dev/outbox"],
      ["GET", "/dev/outbox/1"],
      ["GET", "/dev/checkout/dev_cs_1"],
      ["GET", "/dev/checkout/1"],
      ["POST", "/dev/checkout/dev_cs_1"],
      ["GET", "/dev/outbox/1.data"],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, {
        method,
        redirect: "manual",
        headers: { Origin: app.env.PUBLIC_BASE_URL!, "Content-Type": "application/x-www-form-urlencoded" },
        body: method === "POST" ? "intent=pay" : undefined,
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text(), `${method} ${path}`).not.toContain("Checkout (development)");
    }
  });

  test("a form posted from another site gets a 403 that says why, not Remix's bare 500, and opens no session", async () => {
    const [token] = await issueLinks(app, 1);
    for (const [label, path, headers] of [
      ["another site", `/l/${token}`, { Origin: "https://phishing.example" }],
      ["a forwarded host that is not the origin", "/backoffice/login", { Origin: app.url, "X-Forwarded-Host": "phishing.example" }],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
      });
      expect(response.status, label).toBe(403);
      expect(await response.text(), label).toBe("This form must be sent from Relance's own pages.");
      expect(response.headers.get("set-cookie"), label).toBeNull();
    }
    expect(app.output()).not.toContain("Error while serving");
  });

  test("sign-in codes, reminders and their links reach only the providers, never the development outbox", async () => {
    test.setTimeout(120_000);
    const loginPage = await fetch(`${app.url}/backoffice/login`);
    const preSession = loginPage.headers.get("set-cookie")!.split(";")[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
    const signIn = await fetch(`${app.url}/backoffice/login`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: app.env.PUBLIC_BASE_URL!, Cookie: preSession, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, intent: "send-code", email: DEMO_LOGIN.email }),
    });
    expect(signIn.status).toBe(200);
    await expect.poll(() => resend.delivered.filter((d) => d.email.to.includes(DEMO_LOGIN.email)).length, { timeout: 20_000 }).toBe(1);
    expect(resend.delivered.find((d) => d.email.to.includes(DEMO_LOGIN.email))!.email.text).toMatch(/\d{3}\s?\d{3}/);

    // One pass of the real job, at a Friday morning when emails and SMS may leave.
    const job = startChild(["jobs/run.ts", "once", "--now", NOW], { ...app.env });
    expect(await exitOf(job), job.output()).toBe(0);
    const links = resend.delivered.filter((d) => d.email.html.includes("/l/eyJ"));
    expect(links.length).toBeGreaterThan(0);

    // A step-up code by SMS, asked for from a debtor's portal session.
    const sent = await askStepUpCodeBySms(app);
    await expect.poll(() => twilio.sent.filter((sms) => sms.to === sent.to && /\b\d{6}\b/.test(sms.body)).length, { timeout: 20_000 }).toBe(1);

    const db = openDatabase(database);
    try {
      expect(db.$client.prepare("select count(*) as n from dev_outbox").get()).toEqual({ n: 0 });
      const marked = db.$client.prepare("select count(*) as n from outbound_messages where channel = 'sms' and status = 'sent'").get() as { n: number };
      expect(marked.n).toBe(twilio.sent.length);
    } finally {
      db.$client.close();
    }
  });
});
