import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { tick } from "../../jobs/tick";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as promiseRoute from "~/routes/portal.promise";
import * as planRoute from "~/routes/portal.plan";
import {
  commitmentEvidence,
  debtorSessions,
  devOutbox,
  debtors,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  outboundMessages,
  promises,
  timelineEvents,
} from "../../db/tables";
import { args, outcome } from "../support/routes";
import { first, rawRow } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const TODAY = "2026-11-20";
/** Intl puts narrow no-break spaces in amounts; the assertions read them as plain spaces. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/[\u202f\u00a0]/g, " ")) as T;

beforeAll(async () => {
  const { path } = await seededDb(TODAY);
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  // The day's reminders went out: the debtors arrive from them.
  await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
});

async function debtorNamed(name: string) {
  return first(await getDb().select().from(debtors).where(eq(debtors.name, name)))!;
}

async function openInvoicesOf(debtorId: number) {
  return await getDb()
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
    .orderBy(invoices.dueDate);
}

/** A session for this debtor, through a real link and the landing POST; returns the cookie, the CSRF token and the link id. */
async function signIn(debtorId: number, steppedUp = true) {
  const env = getEnv();
  const link = await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  // The code flow itself is tested in portal-secure.test.ts; plans need it (M20), so sessions here have passed it.
  if (steppedUp)
    await getDb()
      .update(debtorSessions)
      .set({ stepUpAt: new Date(NOW) })
      .where(eq(debtorSessions.linkId, link.id));
  const page = (await promiseRoute.loader(args(new Request(`${BASE}/portal/promise`, { headers: { Cookie: cookie } })))) as { csrf: string };
  return { cookie, csrf: page.csrf, linkId: link.id };
}

type Session = Awaited<ReturnType<typeof signIn>>;

function post(path: string, session: Session, fields: [string, string][], headers: Record<string, string> = {}) {
  const body = new URLSearchParams([["csrf", session.csrf], ...fields]);
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: {
      Origin: BASE,
      Cookie: session.cookie,
      "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile", // A client may prepend entries; the proxy appends the real address last.
      "X-Forwarded-For": "198.51.100.66, 203.0.113.7",
      ...headers,
    },
    body,
  });
}

type Reviewed = { step: "review"; ackText: string; echo: [string, string][]; nextLines: string[] };
type Refused = { data: { step: "edit"; errors: Record<string, string> }; init: ResponseInit };

/** How many rows the debtor has in each table an action writes to. */
async function written(debtorId: number) {
  const count = async (table: string) => Number((await rawRow<{ n: number }>(getDb(), sql`select count(*) as n from ${sql.identifier(table)} where debtor_id = ${debtorId}`))!.n);
  return { promises: await count("promises"), plans: await count("installment_plans"), messages: await count("outbound_messages"), timeline: await count("timeline_events") };
}

describe("promising a payment date", () => {
  it("refuses a foreign form, a missing token and bad input, writing nothing", async () => {
    const debtor = await debtorNamed("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const ids = (await openInvoicesOf(debtor.id)).map((i): [string, string] => ["invoice", String(i.id)]);
    const before = await written(debtor.id);

    const foreign = (await outcome(() =>
      promiseRoute.action(args(post("/portal/promise", session, [...ids, ["date", "2026-12-01"], ["intent", "confirm"]], { Origin: "https://evil.example" }))),
    )) as Response;
    expect(foreign.status).toBe(403);
    const noToken = (await outcome(() =>
      promiseRoute.action(args(post("/portal/promise", { ...session, csrf: "" }, [...ids, ["date", "2026-12-01"], ["intent", "confirm"]]))),
    )) as Response;
    expect(noToken.status).toBe(403);

    const cases: [string, [string, string][], string, RegExp][] = [
      ["a past date", [["date", "2026-11-10"]], "date", /après aujourd'hui/],
      ["a date beyond the limit", [["date", "2026-12-21"]], "date", /ne peut pas dépasser le 20 décembre 2026 \(30 jours au plus\)/],
      [
        "more than owed",
        [
          ["date", "2026-12-01"],
          ["amount", "999999"],
        ],
        "amount",
        /ne peut pas dépasser ce que vous devez/,
      ],
      [
        "a negative amount",
        [
          ["date", "2026-12-01"],
          ["amount", "-10"],
        ],
        "amount",
        /montant en euros/,
      ],
    ];
    for (const [what, fields, field, message] of cases) {
      for (const intent of ["review", "confirm"]) {
        const refused = (await promiseRoute.action(args(post("/portal/promise", session, [...ids, ...fields, ["intent", intent]])))) as unknown as Refused;
        expect(refused.init.status, what).toBe(400);
        expect(plain(refused.data.errors[field]), what).toMatch(message);
      }
    }
    const none = (await promiseRoute.action(
      args(
        post("/portal/promise", session, [
          ["date", "2026-12-01"],
          ["intent", "review"],
        ]),
      ),
    )) as unknown as Refused;
    expect(none.data.errors.invoices).toBe("Choisissez au moins une facture.");
    expect(await written(debtor.id)).toEqual(before);
  });

  it("shows what the debtor commits to and what follows, then records it once, however often it is sent", async () => {
    const debtor = await debtorNamed("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const open = await openInvoicesOf(debtor.id);
    const fields: [string, string][] = [...open.map((i): [string, string] => ["invoice", String(i.id)]), ["date", "2026-12-04"], ["amount", ""]];
    const before = await written(debtor.id);

    const reviewed = (await promiseRoute.action(args(post("/portal/promise", session, [...fields, ["intent", "review"]])))) as Reviewed;
    expect(reviewed.step).toBe("review");
    expect(plain(reviewed.ackText)).toBe(
      `Pour Hôtel du Parc, je reconnais devoir à Atelier Durand la somme de 12 597,94 € au titre des factures ${open[0]!.number} et ${open[1]!.number}, et je m'engage à payer 12 597,94 € au plus tard le 4 décembre 2026.`,
    );
    // The grace is 3 days; what follows is what the cadence itself does once the pause ends.
    expect(reviewed.nextLines[0]).toBe("Les relances sur ces factures sont suspendues jusqu'au 7 décembre 2026 inclus.");
    expect(reviewed.nextLines[1]).toMatch(/^Si le paiement n'est pas arrivé à cette date, .* le (8|9|10) décembre 2026\.$/);
    // Reviewing writes nothing.
    expect(await written(debtor.id)).toEqual(before);

    const confirm = () => promiseRoute.action(args(post("/portal/promise", session, [...reviewed.echo, ["ack", reviewed.ackText], ["intent", "confirm"]])));
    const initial = (await outcome(confirm)) as Response;
    expect(initial.status).toBe(302);
    expect(initial.headers.get("Location")).toBe("/portal?done=promise");
    const second = (await outcome(confirm)) as Response;
    expect(second.headers.get("Location")).toBe("/portal?done=promise");

    const rows = await getDb().select().from(promises).where(eq(promises.debtorId, debtor.id));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        promisedDate: "2026-12-04",
        amountCents: null,
        source: "portal",
        status: "open",
        acknowledgmentText: reviewed.ackText,
        acknowledgedIp: "203.0.113.7",
        acknowledgedUserAgent: "Mozilla/5.0 (Linux; Android 14) Mobile",
        linkId: session.linkId,
      });
    }
    const events = await getDb()
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "promise.made")));
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe("debtor");
    const notices = await getDb()
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, debtor.id), eq(outboundMessages.step, "notice")));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.bodyText).toContain(reviewed.ackText);
    expect(notices[0]!.status).toBe("sent");

    // M22: the creditor gets a copy (no notification address set: its owner), once, with the evidence.
    const evidence = await getDb().select().from(commitmentEvidence).where(eq(commitmentEvidence.debtorId, debtor.id));
    expect(evidence).toEqual([
      expect.objectContaining({
        kind: "promise",
        recordId: rows[0]!.id,
        acknowledgmentText: reviewed.ackText,
        acknowledgedIp: "203.0.113.7",
        acknowledgedUserAgent: "Mozilla/5.0 (Linux; Android 14) Mobile",
        acknowledgedAt: new Date(NOW),
      }),
    ]);
    const copies = (await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, "demo@atelier-durand.fr"))).filter((m) => m.text.includes("Hôtel du Parc"));
    expect(copies).toHaveLength(1);
    expect(copies[0]!.subject).toBe("Copie : Promesse de paiement — Hôtel du Parc");
    for (const fact of [reviewed.ackText, "Horodatage (UTC) : 2026-11-20T09:00:00.000Z", "Adresse IP : 203.0.113.7", "Navigateur : Mozilla/5.0 (Linux; Android 14) Mobile"])
      expect(plain(copies[0]!.text)).toContain(plain(fact));
    // No way into the debtor's portal in the creditor's copy.
    expect(copies[0]!.text).not.toMatch(/\/l\//);

    // The portal home shows the commitment in force.
    const home = await portal.loader(args(new Request(`${BASE}/portal?done=promise`, { headers: { Cookie: session.cookie } })));
    expect(home.commitments.done).toMatch(/engagement est enregistré/);
    expect(home.commitments.promises.map((p) => p.text)).toEqual(open.map((i) => `Paiement promis pour la facture ${i.number}, au plus tard le 4 décembre 2026.`));

    // The cadence: nothing until the promised date + grace, then the promise breaks and the
    // cadence resumes on the day the confirmation announced.
    const plan = await dryRun(getDb(), { from: TODAY, to: "2026-12-12", debtorId: debtor.id });
    expect(plan.filter((r) => r.when < "2026-12-08")).toEqual([]);
    // Marked broken in the pass that sends its reminder, at 09:00 on the first day after the grace.
    expect(plan.filter((r) => r.what === "promise_broken").map((r) => r.when)).toEqual(["2026-12-08 09:00", "2026-12-08 09:00"]);
    expect(plan.filter((r) => r.what.includes("broken_promise")).map((r) => `${r.when} ${r.channel}`)).toContain("2026-12-08 09:00 email");
    const announced = /le (\d+) décembre 2026\.$/.exec(reviewed.nextLines[1]!)![1]!.padStart(2, "0");
    expect(plan.find((r) => r.channel !== "-")?.when.slice(0, 10)).toBe(`2026-12-${announced}`);
  });

  it("refuses a second promise on an invoice already promised, and says so", async () => {
    const debtor = await debtorNamed("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const page = (await promiseRoute.loader(args(new Request(`${BASE}/portal/promise`, { headers: { Cookie: session.cookie } })))) as {
      invoices: { promisedLabel: string | null }[];
    };
    expect(page.invoices.map((i) => i.promisedLabel)).toEqual(["4 décembre 2026", "4 décembre 2026"]);
    const before = await written(debtor.id);
    const open = await openInvoicesOf(debtor.id);
    const refused = (await promiseRoute.action(
      args(
        post("/portal/promise", session, [
          ["invoice", String(open[0]!.id)],
          ["date", "2026-12-15"],
          ["intent", "confirm"],
          ["ack", "x"],
        ]),
      ),
    )) as unknown as Refused;
    expect(refused.data.errors.invoices).toBe("Cette facture a déjà une date de paiement promise (4 décembre 2026).");
    expect(await written(debtor.id)).toEqual(before);
  });

  it("spreads a partial amount over the oldest invoices and leaves the others in the cadence", async () => {
    const debtor = await debtorNamed("Cabinet Lefèvre Architectes");
    const session = await signIn(debtor.id);
    const open = await openInvoicesOf(debtor.id);
    const fields: [string, string][] = [...open.map((i): [string, string] => ["invoice", String(i.id)]), ["date", "2026-12-10"], ["amount", "1 000,50"]];
    const reviewed = (await promiseRoute.action(args(post("/portal/promise", session, [...fields, ["intent", "review"]])))) as Reviewed & { notCovered: string[] };
    expect(reviewed.notCovered).toEqual([open[1]!.number]);
    await outcome(() => promiseRoute.action(args(post("/portal/promise", session, [...reviewed.echo, ["ack", reviewed.ackText], ["intent", "confirm"]]))));
    const rows = await getDb().select().from(promises).where(eq(promises.debtorId, debtor.id));
    expect(rows.map((r) => [r.invoiceId, r.amountCents])).toEqual([[open[0]!.id, 100_050]]);
  });

  it("shows the confirmation again when what was shown is not what would be stored", async () => {
    const debtor = await debtorNamed("Clinique Vétérinaire Saint-Jean");
    const session = await signIn(debtor.id);
    const open = await openInvoicesOf(debtor.id);
    const before = await written(debtor.id);
    const result = (await promiseRoute.action(
      args(
        post("/portal/promise", session, [
          ["invoice", String(open[0]!.id)],
          ["date", "2026-12-10"],
          ["ack", "another text"],
          ["intent", "confirm"],
        ]),
      ),
    )) as unknown as { data: { step: string; changed: boolean }; init: ResponseInit };
    expect(result.data).toMatchObject({ step: "review", changed: true });
    expect(await written(debtor.id)).toEqual(before);
  });
});

describe("proposing a plan", () => {
  it("needs the step-up code first: a forwarded link cannot pause escalation for months (M20)", async () => {
    const debtor = await debtorNamed("Garage des Alpes SAS");
    const session = await signIn(debtor.id, false);
    const page = (await outcome(() => planRoute.loader(args(new Request(`${BASE}/portal/plan`, { headers: { Cookie: session.cookie } }))))) as Response;
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe("/portal/verify?returnTo=%2Fportal%2Fplan");
  });

  it("refuses a plan outside the policy, next to the field, writing nothing", async () => {
    const debtor = await debtorNamed("Imprimerie Rhône Print");
    const session = await signIn(debtor.id);
    const before = await written(debtor.id);
    const cases: [[string, string][], string, RegExp][] = [
      [
        [
          ["mode", "monthly"],
          ["count", "8"],
          ["start", "2026-12-01"],
        ],
        "count",
        /dépasserait le 20 mai 2027 \(6 mois au plus\) : 6 mensualités au plus/,
      ],
      [
        [
          ["mode", "monthly"],
          ["count", "3"],
          ["start", "2026-11-20"],
        ],
        "start",
        /après aujourd'hui/,
      ],
      [
        [
          ["mode", "custom"],
          ["rows", "2"],
          ["row-1-date", "2026-12-01"],
          ["row-1-amount", "40"],
          ["row-2-date", "2027-01-01"],
          ["row-2-amount", "10571,05"],
        ],
        "row-1-amount",
        /au moins 50,00 €/,
      ],
      [
        [
          ["mode", "custom"],
          ["rows", "2"],
          ["row-1-date", "2026-12-01"],
          ["row-1-amount", "500"],
          ["row-2-date", "2027-01-01"],
          ["row-2-amount", "500"],
        ],
        "rows",
        /exactement 10 631,05 €/,
      ],
    ];
    for (const [fields, field, message] of cases) {
      for (const intent of ["review", "confirm"]) {
        const refused = (await planRoute.action(args(post("/portal/plan", session, [...fields, ["intent", intent], ["acknowledge", "yes"]])))) as unknown as Refused;
        expect(refused.init.status).toBe(400);
        expect(plain(refused.data.errors[field])).toMatch(message);
      }
    }
    expect(await written(debtor.id)).toEqual(before);
  });

  it("adds and removes custom rows without writing anything", async () => {
    const debtor = await debtorNamed("Imprimerie Rhône Print");
    const session = await signIn(debtor.id);
    const before = await written(debtor.id);
    const added = (await planRoute.action(
      args(
        post("/portal/plan", session, [
          ["mode", "custom"],
          ["rows", "3"],
          ["row-1-date", "2026-12-01"],
          ["intent", "add-row"],
        ]),
      ),
    )) as {
      values: { rows: { date: string }[] };
    };
    expect(added.values.rows.map((r) => r.date)).toEqual(["2026-12-01", "", "", ""]);
    expect(await written(debtor.id)).toEqual(before);
  });

  it("accepts a short plan at once: one plan, installment reminders 3 days before each installment and nothing else", async () => {
    const debtor = await debtorNamed("Imprimerie Rhône Print");
    const session = await signIn(debtor.id);
    const open = await openInvoicesOf(debtor.id);
    const fields: [string, string][] = [
      ["mode", "monthly"],
      ["count", "3"],
      ["start", "2026-12-01"],
    ];
    const reviewed = (await planRoute.action(args(post("/portal/plan", session, [...fields, ["intent", "review"]])))) as Reviewed & {
      status: string;
      rows: { dateLabel: string; amountLabel: string }[];
    };
    expect(reviewed.status).toBe("accepted");
    // 10 631,05 € in three: the odd cent on the first installment.
    expect(plain(reviewed.rows.map((r) => `${r.dateLabel} ${r.amountLabel}`))).toEqual(["1 décembre 2026 3 543,69 €", "1 janvier 2027 3 543,68 €", "1 février 2027 3 543,68 €"]);
    // 28 November is a Saturday: e-mails go on business days only, so Monday 30.
    expect(reviewed.nextLines).toContain("Rappels prévus : 30 novembre 2026, 29 décembre 2026, 29 janvier 2027.");

    // Without the box ticked, nothing is written.
    const before = await written(debtor.id);
    const unticked = (await planRoute.action(args(post("/portal/plan", session, [...reviewed.echo, ["ack", reviewed.ackText], ["intent", "confirm"]])))) as unknown as {
      data: { ackError: string };
      init: ResponseInit;
    };
    expect(unticked.init.status).toBe(400);
    expect(unticked.data.ackError).toMatch(/Cochez la case/);
    expect(await written(debtor.id)).toEqual(before);

    const confirm = () => planRoute.action(args(post("/portal/plan", session, [...reviewed.echo, ["ack", reviewed.ackText], ["acknowledge", "yes"], ["intent", "confirm"]])));
    expect(((await outcome(confirm)) as Response).headers.get("Location")).toBe("/portal?done=plan");
    expect(((await outcome(confirm)) as Response).headers.get("Location")).toBe("/portal?done=plan");

    const db = getDb();
    const plans = await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtor.id));
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ status: "accepted", totalCents: 1_063_105, acknowledgmentText: reviewed.ackText, acknowledgedIp: "203.0.113.7", linkId: session.linkId });
    expect((await db.select().from(installmentPlanInvoices).where(eq(installmentPlanInvoices.planId, plans[0]!.id))).map((r) => r.invoiceId).sort()).toEqual(
      open.map((i) => i.id).sort(),
    );
    const rows = await db.select().from(installments).where(eq(installments.planId, plans[0]!.id)).orderBy(installments.position);
    expect(rows.map((r) => r.amountCents).reduce((a, b) => a + b)).toBe(1_063_105);
    const events = await db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "plan.proposed")));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ status: "accepted" });
    expect(
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.debtorId, debtor.id), eq(outboundMessages.step, "notice"))),
    ).toHaveLength(1);

    // The home and the plan page show the plan instead of a form.
    const home = await portal.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: session.cookie } })));
    expect(home.commitments.plan?.statusLabel).toBe("accepté");
    expect(home.commitments.plan?.installments).toHaveLength(3);
    const page = (await planRoute.loader(args(new Request(`${BASE}/portal/plan`, { headers: { Cookie: session.cookie } })))) as { mode: string };
    expect(page.mode).toBe("existing");

    // The cadence: only the installment reminder before the first installment, 3 days ahead.
    const initial = await dryRun(db, { from: TODAY, to: "2026-12-03", debtorId: debtor.id });
    // 28 November, 3 days ahead, is a Saturday: the e-mail leaves on Monday 30.
    expect(initial.map((r) => [r.what, r.when.slice(0, 10)])).toEqual([["installment_reminder", "2026-11-30"]]);
    // Once the first two are paid, the next reminder comes 3 days before the third, and nothing else.
    await db
      .update(installments)
      .set({ paidCents: sql`${installments.amountCents}`, status: "paid" })
      .where(inArray(installments.id, [rows[0]!.id, rows[1]!.id]));
    const later = await dryRun(db, { from: "2027-01-05", to: "2027-02-03", debtorId: debtor.id });
    expect(later.map((r) => [r.what, r.when.slice(0, 10)])).toEqual([["installment_reminder", "2027-01-29"]]);
  });

  it("sends a long or high-risk plan to review, and pauses every reminder until it is decided", async () => {
    const debtor = await debtorNamed("Menuiserie Chevalier");
    const session = await signIn(debtor.id);
    const fields: [string, string][] = [
      ["mode", "monthly"],
      ["count", "2"],
      ["start", "2026-12-10"],
    ];
    const reviewed = (await planRoute.action(args(post("/portal/plan", session, [...fields, ["intent", "review"]])))) as Reviewed & { status: string; decisionText: string };
    expect(reviewed.status).toBe("pending_review");
    expect(reviewed.decisionText).toMatch(/étudié par votre créancier/);
    await outcome(() => planRoute.action(args(post("/portal/plan", session, [...reviewed.echo, ["ack", reviewed.ackText], ["acknowledge", "yes"], ["intent", "confirm"]]))));
    const plan = first(await getDb().select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtor.id)))!;
    expect(plan.status).toBe("pending_review");
    const event = first(
      await getDb()
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "plan.proposed"))),
    )!;
    expect(event.data).toMatchObject({ status: "pending_review" });
    expect(await dryRun(getDb(), { from: TODAY, to: "2027-01-31", debtorId: debtor.id })).toEqual([]);
  });
});
