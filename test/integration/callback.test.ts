import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { tick } from "../../jobs/tick";
import * as landing from "~/routes/l.$token";
import * as callbackRoute from "~/routes/portal.callback";
import * as review from "~/routes/backoffice.review";
import { cadencePauses, callTasks, debtors, devOutbox, outboundMessages, timelineEvents } from "../../db/tables";
import { args, outcome } from "../support/routes";
import { first } from "../../db/client";

const BASE = "http://localhost:4310";
/** Friday 20 November 2026, 10:00 in Paris. */
const NOW = "2026-11-20T09:00:00Z";
/** Thursday 26 November, 14:00 in Paris. */
const SLOT = "2026-11-26T13:00:00.000Z";
/** Intl puts narrow no-break spaces in dates and amounts; the assertions read them as plain spaces. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/[\u202f\u00a0]/g, " ")) as T;

let staffCookie: string;

beforeAll(async () => {
  const { db, path } = freshDb();
  await seedDemo(db, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  // The day's reminders went out: the debtors arrive from them.
  await runJob(NOW);
  staffCookie = (await signInStaff(getDb(), DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
});

function runJob(at: string) {
  const db = getDb();
  return tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(at) });
}

async function debtorNamed(name: string) {
  return first(await getDb().select().from(debtors).where(eq(debtors.name, name)))!;
}

async function signIn(debtorId: number) {
  const env = getEnv();
  const token = await signLink(env, await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) }));
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  const page = await callbackRoute.loader(args(new Request(`${BASE}/portal/callback`, { headers: { Cookie: cookie } })));
  return { cookie, csrf: page.csrf };
}

type Session = Awaited<ReturnType<typeof signIn>>;

function post(session: Session, fields: [string, string][], headers: Record<string, string> = {}) {
  return new Request(`${BASE}/portal/callback`, {
    method: "POST",
    headers: { Origin: BASE, Cookie: session.cookie, ...headers },
    body: new URLSearchParams([["csrf", session.csrf], ...fields]),
  });
}

const loadPage = (session: Session, query = "") => callbackRoute.loader(args(new Request(`${BASE}/portal/callback${query}`, { headers: { Cookie: session.cookie } })));

type Reviewed = { step: "review"; lines: string[]; note: string; echo: [string, string][] };
type Refused = { data: { step: "edit"; errors: Record<string, string> }; init: ResponseInit };

/** What a call-back request writes, for this debtor. */
async function written(debtorId: number) {
  const db = getDb();
  return {
    pauses: (await db.select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtorId))).length,
    timeline: (await db.select().from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId))).length,
    messages: (await db.select().from(outboundMessages).where(eq(outboundMessages.debtorId, debtorId))).length,
  };
}

describe("asking for a call back", () => {
  it("offers the call windows of the next five business days on the debtor's clock, and the phone on file masked", async () => {
    const session = await signIn((await debtorNamed("Menuiserie Chevalier")).id);
    const page = plain(await loadPage(session));
    expect(page.phoneOnFile).toBe("+33 6 ** ** ** 12");
    expect(page.days.map((d) => d.label)).toEqual(["vendredi 20 novembre", "lundi 23 novembre", "mardi 24 novembre", "mercredi 25 novembre", "jeudi 26 novembre"]);
    // Friday 10:00: two hours ahead at least, so from noon; then every half hour to 18:30.
    expect(page.days[0]!.slots[0]).toEqual({ value: "2026-11-20T11:00:00.000Z", label: "12:00" });
    expect(page.days[1]!.slots.map((s) => s.label)).toHaveLength(20);
    expect(page.days[1]!.slots.at(-1)).toEqual({ value: "2026-11-23T17:30:00.000Z", label: "18:30" });
    expect(page.open).toBeNull();
  });

  it("refuses a foreign form, a missing token, a slot not offered and a bad phone, next to the field, writing nothing", async () => {
    const debtor = await debtorNamed("Transports Girard");
    const session = await signIn(debtor.id);
    const before = await written(debtor.id);
    const good: [string, string][] = [
      ["slot", SLOT],
      ["phone", "file"],
      ["otherPhone", ""],
      ["note", ""],
      ["intent", "confirm"],
    ];

    const foreign = (await outcome(() => callbackRoute.action(args(post(session, good, { Origin: "https://evil.example" }))))) as Response;
    expect(foreign.status).toBe(403);
    const noToken = (await outcome(() => callbackRoute.action(args(post({ ...session, csrf: "" }, good))))) as Response;
    expect(noToken.status).toBe(403);

    const cases: [string, [string, string][], string, string][] = [
      [
        "a Saturday",
        [
          ["slot", "2026-11-21T09:00:00.000Z"],
          ["phone", "file"],
        ],
        "slot",
        "Ce créneau n'est plus proposé. Choisissez un des créneaux de la liste.",
      ],
      [
        "less than two hours ahead",
        [
          ["slot", "2026-11-20T10:30:00.000Z"],
          ["phone", "file"],
        ],
        "slot",
        "Ce créneau n'est plus proposé. Choisissez un des créneaux de la liste.",
      ],
      [
        "between two slots",
        [
          ["slot", "2026-11-26T13:10:00.000Z"],
          ["phone", "file"],
        ],
        "slot",
        "Ce créneau n'est plus proposé. Choisissez un des créneaux de la liste.",
      ],
      ["no slot", [["phone", "file"]], "slot", "Choisissez un créneau."],
      [
        "a bad phone",
        [
          ["slot", SLOT],
          ["phone", "other"],
          ["otherPhone", "06 12 34"],
        ],
        "phone",
        "Ce numéro n'est pas valide. Écrivez-le comme 06 12 34 56 78 ou au format international, +33 6 12 34 56 78.",
      ],
      [
        "no other phone",
        [
          ["slot", SLOT],
          ["phone", "other"],
          ["otherPhone", ""],
        ],
        "phone",
        "Indiquez le numéro auquel vous appeler.",
      ],
      [
        "a long note",
        [
          ["slot", SLOT],
          ["phone", "file"],
          ["note", "x".repeat(501)],
        ],
        "note",
        "Votre message dépasse 500 caractères. Raccourcissez-le.",
      ],
    ];
    for (const [what, fields, field, message] of cases) {
      for (const intent of ["review", "confirm"]) {
        const refused = (await callbackRoute.action(args(post(session, [...fields, ["intent", intent]])))) as unknown as Refused;
        expect(refused.init.status, what).toBe(400);
        expect(refused.data.errors, what).toEqual({ [field]: message });
      }
    }
    expect(await written(debtor.id)).toEqual(before);
  });

  it("says when we will call and that reminders wait, then records one request however often it is confirmed", async () => {
    const debtor = await debtorNamed("Menuiserie Chevalier");
    const session = await signIn(debtor.id);
    const before = await written(debtor.id);
    const fields: [string, string][] = [
      ["slot", SLOT],
      ["phone", "file"],
      ["otherPhone", ""],
      ["note", "  Plutôt le service comptable. "],
    ];

    const reviewed = plain((await callbackRoute.action(args(post(session, [...fields, ["intent", "review"]])))) as Reviewed);
    expect(reviewed.step).toBe("review");
    expect(reviewed.lines).toEqual([
      "Nous vous appellerons le jeudi 26 novembre à 14:00, au +33 6 ** ** ** 12.",
      "Nos relances sont suspendues jusqu'à cet appel, le jeudi 26 novembre à 14:00.",
      "Si l'appel n'a pas pu avoir lieu, elles reprendront le 27 novembre 2026.",
    ]);
    expect(reviewed.note).toBe("Plutôt le service comptable.");
    expect(await written(debtor.id)).toEqual(before);

    // A double click: two confirmations of the same form.
    const confirm = () => callbackRoute.action(args(post(session, [...reviewed.echo, ["intent", "confirm"]]))) as Promise<unknown>;
    const [initial, second] = (await Promise.all([outcome(confirm), outcome(confirm)])) as Response[];
    expect(initial!.status).toBe(302);
    expect(initial!.headers.get("Location")).toBe("/portal/callback?done=1");
    expect(second!.headers.get("Location")).toBe("/portal/callback?done=1");

    const pauses = await getDb().select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtor.id));
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({
      invoiceId: null,
      reason: "callback_requested",
      owner: "system",
      callbackAt: new Date(SLOT),
      endsAt: new Date("2026-11-27T13:00:00Z"),
      startsAt: new Date(NOW),
      note: "Plutôt le service comptable.",
      resolvedAt: null,
    });
    const events = await getDb()
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "callback.requested")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "debtor", invoiceId: null });
    expect(events[0]!.data).toMatchObject({ pauseId: pauses[0]!.id, callbackAt: SLOT, phone: "file" });
    const notices = await getDb()
      .select()
      .from(devOutbox)
      .where(sql`${devOutbox.subject} like '%demande de rappel%'`);
    expect(notices).toHaveLength(1);
    expect(plain(notices[0]!.text)).toContain("Nous vous appellerons le jeudi 26 novembre à 14:00, au +33 6 ** ** ** 12.");

    const page = plain(await loadPage(session, "?done=1"));
    expect(page.done).toEqual({
      text: "Votre demande est enregistrée : nous vous appellerons le jeudi 26 novembre à 14:00. Nos relances sont suspendues jusque-là.",
      replaced: false,
    });
    expect(page.open).toBe("jeudi 26 novembre à 14:00");
  });

  it("lets a second request replace the open one, and says so", async () => {
    const debtor = await debtorNamed("Restaurant Le Bouchon Lyonnais");
    const session = await signIn(debtor.id);
    const ask = async (slot: string, extra: [string, string][]) => {
      const reviewed = (await callbackRoute.action(args(post(session, [["slot", slot], ...extra, ["intent", "review"]])))) as Reviewed;
      const done = (await outcome(() => callbackRoute.action(args(post(session, [...reviewed.echo, ["intent", "confirm"]]))))) as Response;
      return { reviewed: plain(reviewed), done };
    };
    await ask("2026-11-24T08:00:00.000Z", [["phone", "file"]]);
    const second = await ask("2026-11-25T15:30:00.000Z", [
      ["phone", "other"],
      ["otherPhone", "06 98 76 54 32"],
      ["note", ""],
    ]);
    expect(second.reviewed.lines).toEqual([
      "Nous vous appellerons le mercredi 25 novembre à 16:30, au +33698765432.",
      "Nos relances sont suspendues jusqu'à cet appel, le mercredi 25 novembre à 16:30.",
      "Si l'appel n'a pas pu avoir lieu, elles reprendront le 26 novembre 2026.",
      "Cette demande remplace celle du mardi 24 novembre à 09:00.",
    ]);
    expect(second.done.headers.get("Location")).toBe("/portal/callback?done=replaced");

    const pauses = await getDb().select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtor.id)).orderBy(cadencePauses.id);
    expect(pauses.map((p) => [p.callbackAt?.toISOString(), p.resolvedAt === null])).toEqual([
      ["2026-11-24T08:00:00.000Z", false],
      ["2026-11-25T15:30:00.000Z", true],
    ]);
    expect(pauses[1]!.note).toBe("Numéro à appeler : +33698765432");
    const events = await getDb()
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "callback.requested")));
    expect(events.at(-1)!.data).toMatchObject({ phone: "other", replacedPauseIds: [pauses[0]!.id] });
    const notice = (
      await getDb()
        .select()
        .from(devOutbox)
        .where(sql`${devOutbox.subject} like '%demande de rappel%'`)
    ).at(-1)!;
    expect(plain(notice.text)).toContain("Elle remplace votre demande de rappel du mardi 24 novembre à 09:00.");
    expect(plain(notice.text)).toContain("au +33 6 ** ** ** 32");
    expect((await loadPage(session, "?done=replaced")).done?.replaced).toBe(true);
  });
});

describe("what the cadence does with a call-back request", () => {
  it("holds every reminder until the pause ends, puts a call task at the slot and lists the request for staff", async () => {
    // Menuiserie Chevalier asked (above) to be called on Thursday 26 November at 14:00; without it,
    // its second reminder (email and SMS) would leave on Friday 27 at 09:00.
    const debtor = await debtorNamed("Menuiserie Chevalier");
    const pause = first(await getDb().select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtor.id)))!;
    const reminders = async () =>
      (
        await getDb()
          .select()
          .from(outboundMessages)
          .where(and(eq(outboundMessages.debtorId, debtor.id), inArray(outboundMessages.channel, ["email", "sms", "letter"]), sql`${outboundMessages.step} <> 'notice'`))
      ).filter((m) => m.plannedFor > new Date(NOW));
    const tasks = async () => await getDb().select().from(callTasks).where(eq(callTasks.debtorId, debtor.id));

    // The dry-run agrees: a call at the slot, no message before the pause ends (Friday 14:00), the second reminder then.
    const coming = (await dryRun(getDb(), { from: "2026-11-20", to: "2026-11-28", debtorId: debtor.id })).map((r) => [r.when, r.what, r.channel]);
    expect(coming).toContainEqual(["2026-11-26 14:00", "call", "call"]);
    expect(coming.filter(([when, , channel]) => channel !== "call" && when! < "2026-11-27 14:00")).toEqual([]);
    expect(coming).toContainEqual(["2026-11-27 14:00", "second_reminder", "email"]);

    // Staff see the request in the review queue.
    const queue = await review.loader(args(new Request(`${BASE}/backoffice/review`, { headers: { Cookie: staffCookie } })));
    expect(plain(queue.callbacks.find((c) => c.debtorId === debtor.id))).toMatchObject({ id: pause.id, slot: "26/11/2026 14:00", note: "Plutôt le service comptable." });

    for (const at of ["2026-11-23T08:00:00Z", "2026-11-25T08:00:00Z", "2026-11-26T12:59:00Z"]) await runJob(at);
    expect(await tasks()).toEqual([]);
    expect(await reminders()).toEqual([]);

    // A pass at the slot: one call task, due at the slot, for staff.
    await runJob(SLOT);
    expect(await tasks()).toHaveLength(1);
    expect((await tasks())[0]).toMatchObject({ dueAt: new Date(SLOT), status: "open", reason: "Le client a demandé à être rappelé" });
    await runJob("2026-11-26T16:00:00Z");
    expect(await tasks()).toHaveLength(1);

    // Friday 09:00, when the second reminder was due: the pause still holds it.
    await runJob("2026-11-27T08:00:00Z");
    expect(await reminders()).toEqual([]);
    // One request, one call: the next morning's pass does not plan it again.
    expect(await tasks()).toHaveLength(1);

    // The pause ends one day after the slot; the cadence takes over again.
    await runJob("2026-11-27T13:00:00Z");
    expect(first(await getDb().select().from(cadencePauses).where(eq(cadencePauses.id, pause.id)))!.resolvedAt).toEqual(new Date("2026-11-27T13:00:00Z"));
    expect((await reminders()).every((m) => m.plannedFor >= new Date("2026-11-27T13:00:00Z"))).toBe(true);
    const queueAfter = await review.loader(args(new Request(`${BASE}/backoffice/review`, { headers: { Cookie: staffCookie } })));
    expect(queueAfter.callbacks.some((c) => c.debtorId === debtor.id)).toBe(false);
  });
});
