import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { loadCadenceStates } from "~/services/shared/cadence.server";
import { attachmentResponse } from "~/services/documents/uploads.server";
import { decideCadence } from "~/domain/cadence";
import * as landing from "~/routes/l.$token";
import * as disputeRoute from "~/routes/portal.dispute";
import * as paidRoute from "~/routes/portal.already-paid";
import * as portal from "~/routes/portal._index";
import {
  cadencePauses,
  commitmentEvidence,
  creditors,
  debtorSessions,
  debtors,
  devOutbox,
  disputeFiles,
  disputes,
  invoices,
  outboundMessages,
  paymentClaims,
  timelineEvents,
} from "../../db/tables";
import { args, outcome } from "../support/routes";
import { first } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const PDF = new TextEncoder().encode("%PDF-1.7\n% test\n");

type Refused = { data: { errors: Record<string, string> }; init: { status: number } };
type Reviewed = { step: "review"; review: { invoices: { number: string }[]; summary: [string, string][]; files: string[]; nextLines: string[] } };
const statusOf = (r: unknown) => (r instanceof Response ? r.status : (r as Refused).init.status);

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
});

async function debtorWithOverdue(name: string) {
  const db = getDb();
  const debtor = first(await db.select().from(debtors).where(eq(debtors.name, name)))!;
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtor.id), eq(invoices.status, "open")))
    .orderBy(invoices.dueDate);
  return { debtor, open };
}

async function signIn(debtorId: number) {
  const env = getEnv();
  const link = await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  // The code flow itself is tested in portal-secure.test.ts; here the session has passed it.
  await getDb()
    .update(debtorSessions)
    .set({ stepUpAt: new Date(NOW) })
    .where(eq(debtorSessions.linkId, link.id));
  const page = (await disputeRoute.loader(args(new Request(`${BASE}/portal/dispute`, { headers: { Cookie: cookie } })))) as { csrf: string };
  return { cookie, csrf: page.csrf };
}

async function signInWithoutStepUp(debtorId: number) {
  const env = getEnv();
  const token = await signLink(env, await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) }));
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

function multipart(path: string, session: { cookie: string; csrf: string }, fields: [string, string | File][], headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append("csrf", session.csrf);
  for (const [name, value] of fields) form.append(name, value);
  return new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: session.cookie, ...headers }, body: form });
}

const uploads = () => {
  const dir = join(getEnv().STORAGE_DIR, "uploads");
  return existsSync(dir) ? readdirSync(dir).length : 0;
};
const count = async (table: typeof disputes | typeof paymentClaims | typeof disputeFiles) => (await getDb().select().from(table)).length;

describe("disputing an invoice", () => {
  it("needs the step-up code first: a forwarded link cannot stop collection (M20)", async () => {
    const { debtor } = await debtorWithOverdue("Garage des Alpes SAS");
    const cookie = await signInWithoutStepUp(debtor.id);
    const sent = (await outcome(() => disputeRoute.loader(args(new Request(`${BASE}/portal/dispute`, { headers: { Cookie: cookie } }))))) as Response;
    expect(sent.status).toBe(303);
    expect(sent.headers.get("Location")).toBe("/portal/verify?returnTo=%2Fportal%2Fdispute");
  });

  it("refuses what is incomplete or not a real document, next to the field, and writes nothing", async () => {
    const { debtor, open } = await debtorWithOverdue("Garage des Alpes SAS");
    const session = await signIn(debtor.id);
    const before = { disputes: await count(disputes), files: uploads() };
    const missing = (await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, [["message", "court"]]))))) as Refused;
    expect(missing.init.status).toBe(400);
    expect(Object.keys(missing.data.errors).sort()).toEqual(["invoices", "message", "reason"]);

    const base: [string, string | File][] = [
      ["invoice", String(open[0]!.id)],
      ["reason", "amount"],
      ["message", "La remise négociée n'apparaît pas."],
    ];
    const html = new File(["<html><script>alert(1)</script>"], "devis.pdf", { type: "application/pdf" });
    // Refused at the review and again if sent straight to the confirmation.
    const fake = (await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, [...base, ["files", html]]))))) as Refused;
    expect(fake.data.errors.files).toBe("« devis.pdf » n'est ni un PDF, ni une image PNG ou JPEG.");
    const confirmed = [...base, ["intent", "confirm"], ["reviewedFiles", "1"], ["files", html]] as [string, string | File][];
    expect(((await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, confirmed))))) as Refused).data.errors.files).toMatch(/n'est ni un PDF/);
    const good = new File([PDF], "ok.pdf");
    const partlyBad = [...base, ["intent", "confirm"], ["reviewedFiles", "2"], ["files", good], ["files", html]] as [string, string | File][];
    expect(((await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, partlyBad))))) as Refused).data.errors.files).toMatch(/devis\.pdf/);
    const four = Array.from({ length: 4 }, (_, i) => ["files", new File([PDF], `p${i}.pdf`)] as [string, File]);
    expect(((await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, [...base, ...four]))))) as Refused).data.errors.files).toBe(
      "Joignez 3 fichiers au plus.",
    );
    const big = new File([new Uint8Array(5 * 1024 * 1024 + 1).fill(0x25)], "gros.pdf");
    // Cut while it streams in (uploads-storage.test.ts): a 413 naming the file, the form not read further.
    const tooBig = (await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, [...base, ["files", big]]))))) as Response;
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toMatch(/« gros\.pdf » dépasse 5 Mo/);
    const declaredHuge = (await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, base, { "Content-Length": String(50 * 1024 * 1024) }))))) as Response;
    expect(declaredHuge.status).toBe(413);
    expect({ disputes: await count(disputes), files: uploads() }).toEqual(before);
  });

  it("refuses a form without this session's CSRF token", async () => {
    const { debtor, open } = await debtorWithOverdue("Garage des Alpes SAS");
    const session = await signIn(debtor.id);
    const forged = (await outcome(() =>
      disputeRoute.action(args(multipart("/portal/dispute", { ...session, csrf: "x".repeat(43) }, [["invoice", String(open[0]!.id)]]))),
    )) as Response;
    expect(forged.status).toBe(403);
  });

  it("records the dispute once with its file, pauses only that invoice, and tells the debtor what happens to the others", async () => {
    const { debtor, open } = await debtorWithOverdue("Garage des Alpes SAS");
    expect(open.length).toBeGreaterThan(1);
    const session = await signIn(debtor.id);
    const chosen: [string, string | File][] = [
      ["invoice", String(open[0]!.id)],
      ["reason", "not_received"],
      ["message", "Les pièces commandées ne sont jamais arrivées."],
      ["files", new File([PDF], "bon de livraison.pdf", { type: "text/html" })],
    ];
    // The review: what happens to each invoice, with dates; nothing written yet (M2).
    const before = { disputes: await count(disputes), files: uploads() };
    const review = (await disputeRoute.action(args(multipart("/portal/dispute", session, chosen))))! as Reviewed;
    expect(review.step).toBe("review");
    expect(review.review.files).toEqual(["bon de livraison.pdf"]);
    expect(review.review.nextLines[0]).toBe(`Les relances sont suspendues pour ${open[0]!.number} le temps que nous examinions votre demande. Nous vous répondrons par écrit.`);
    for (const other of open.slice(1)) {
      expect(
        review.review.nextLines.some((l) =>
          new RegExp(`^(La facture ${other.number} garde son calendrier : prochain rappel le \\d{1,2} \\S+ 2026|Facture ${other.number} : aucun rappel)`).test(l),
        ),
      ).toBe(true);
    }
    expect({ disputes: await count(disputes), files: uploads() }).toEqual(before);
    // A confirmation that lost its files on the way (a reload without script) is sent back.
    const lost = (await outcome(() =>
      disputeRoute.action(args(multipart("/portal/dispute", session, [...chosen.slice(0, 3), ["intent", "confirm"], ["reviewedFiles", "1"]]))),
    )) as Refused;
    expect(lost.data.errors.files).toMatch(/Choisissez à nouveau vos fichiers/);
    expect({ disputes: await count(disputes), files: uploads() }).toEqual(before);

    const fields: [string, string | File][] = [...chosen, ["intent", "confirm"], ["reviewedFiles", "1"]];
    const initial = await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, fields))));
    const again = await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", session, fields))));
    expect([statusOf(initial), statusOf(again)]).toEqual([302, 302]);
    const db = getDb();
    const rows = await db.select().from(disputes).where(eq(disputes.debtorId, debtor.id));
    expect(rows).toHaveLength(1);
    // The portal's card says so, in the debtor's calendar.
    const home = await portal.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: session.cookie } })));
    expect(home.invoices.find((i) => i.id === open[0]!.id)!.contestedOnLabel).toBe("20 novembre 2026");
    expect(home.invoices.filter((i) => i.contestedOnLabel !== null)).toHaveLength(1);
    const file = first(await db.select().from(disputeFiles).where(eq(disputeFiles.disputeId, rows[0]!.id)))!;
    expect(file).toMatchObject({ originalName: "bon de livraison.pdf", contentType: "application/pdf" });
    expect(existsSync(file.storagePath)).toBe(true);
    expect(file.storagePath.startsWith(resolve(getEnv().STORAGE_DIR, "uploads"))).toBe(true);
    expect(
      await db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtor.id), eq(timelineEvents.type, "dispute.opened"))),
    ).toHaveLength(1);
    const notice = first(
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.debtorId, debtor.id), eq(outboundMessages.step, "notice"))),
    )!;
    expect(notice.bodyText).toContain(`Les relances sont suspendues pour ${open[0]!.number}`);
    expect(notice.bodyText).toContain(`${open[1]!.number}`);
    // A double submission stored the file once.
    expect(uploads()).toBe(before.files + 1);

    // Only the disputed invoice is held: the others are still chased.
    const later = new Date("2026-12-01T09:00:00Z");
    const [loaded] = await loadCadenceStates(db, later, [debtor.id]);
    const chased = decideCadence(loaded!.state, later).contacts.flatMap((c) => c.invoiceSteps.map((s) => s.invoiceId));
    expect(chased).not.toContain(open[0]!.id);
    expect(loaded!.state.invoices.find((i) => i.id === open[1]!.id)?.openDispute).toBe(false);
  });
});

describe("'I already paid'", () => {
  it("refuses a future date, an amount above the balance and an unknown method, and writes nothing", async () => {
    const { debtor, open } = await debtorWithOverdue("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const before = await count(paymentClaims);
    const refused = (await outcome(() =>
      paidRoute.action(
        args(
          multipart("/portal/already-paid", session, [
            ["invoice", String(open[0]!.id)],
            ["paidOn", "2026-11-21"],
            ["amount", String(open[0]!.balanceCents)],
            ["method", "bitcoin"],
            ["intent", "confirm"],
          ]),
        ),
      ),
    )) as Refused;
    expect(refused.data.errors).toMatchObject({
      paidOn: expect.stringMatching(/aujourd'hui ou avant/),
      amount: expect.stringMatching(/ne peut pas dépasser/),
      method: "Choisissez le moyen de paiement.",
    });
    expect(await count(paymentClaims)).toBe(before);
  });

  it("refuses a proof that is not a PDF or an image by its bytes, or two proofs, and leaves no file behind", async () => {
    const { debtor, open } = await debtorWithOverdue("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const before = { claims: await count(paymentClaims), files: uploads(), pauses: (await getDb().select().from(cadencePauses)).length };
    const claim: [string, string | File][] = [
      ["invoice", String(open[0]!.id)],
      ["paidOn", "2026-11-18"],
      ["amount", "10"],
      ["method", "cheque"],
      ["intent", "confirm"],
      ["reviewedFiles", "1"],
    ];
    const zip = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])], "photo.png", { type: "image/png" });
    expect(((await outcome(() => paidRoute.action(args(multipart("/portal/already-paid", session, [...claim, ["proof", zip]]))))) as Refused).data.errors.proof).toBe(
      "« photo.png » n'est ni un PDF, ni une image PNG ou JPEG.",
    );
    const two = [...claim, ["proof", new File([PDF], "a.pdf")], ["proof", new File([PDF], "b.pdf")]] as [string, string | File][];
    expect(((await outcome(() => paidRoute.action(args(multipart("/portal/already-paid", session, two))))) as Refused).data.errors.proof).toBe("Joignez 3 fichiers au plus.");
    expect({ claims: await count(paymentClaims), files: uploads(), pauses: (await getDb().select().from(cadencePauses)).length }).toEqual(before);
  });

  it("holds that invoice for staff with the proof kept, once, and the review queue sees it", async () => {
    const { debtor, open } = await debtorWithOverdue("Hôtel du Parc");
    const session = await signIn(debtor.id);
    const invoice = open[0]!;
    const fields: [string, string | File][] = [
      ["invoice", String(invoice.id)],
      ["paidOn", "2026-11-18"],
      ["amount", (invoice.balanceCents / 100).toFixed(2).replace(".", ",")],
      ["method", "transfer"],
      ["reference", "VIR 2026-1118"],
      ["proof", new File([PDF], "avis de virement.pdf")],
    ];
    const review = (await paidRoute.action(args(multipart("/portal/already-paid", session, fields))))! as Reviewed;
    expect(review.review.nextLines.slice(0, 2)).toEqual([
      "Nous recherchons ce paiement et vous confirmons sa réception par écrit.",
      `En attendant, les relances sont suspendues pour la facture ${invoice.number}. Si nous ne le retrouvons pas, nous vous le dirons avant toute nouvelle relance.`,
    ]);
    expect(await getDb().select().from(paymentClaims).where(eq(paymentClaims.invoiceId, invoice.id))).toEqual([]);
    fields.push(["intent", "confirm"], ["reviewedFiles", "1"]);
    expect(statusOf(await outcome(() => paidRoute.action(args(multipart("/portal/already-paid", session, fields)))))).toBe(302);
    expect(statusOf(await outcome(() => paidRoute.action(args(multipart("/portal/already-paid", session, fields)))))).toBe(302);
    const db = getDb();
    const claims = await db.select().from(paymentClaims).where(eq(paymentClaims.invoiceId, invoice.id));
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ amountCents: invoice.balanceCents, method: "transfer", reference: "VIR 2026-1118", proofName: "avis de virement.pdf", status: "pending" });
    const pause = first(
      await db
        .select()
        .from(cadencePauses)
        .where(and(eq(cadencePauses.invoiceId, invoice.id), isNull(cadencePauses.resolvedAt))),
    )!;
    expect(pause).toMatchObject({ reason: "payment_claimed", owner: "staff", endsAt: null });
    const later = new Date("2026-12-15T09:00:00Z");
    const [loaded] = await loadCadenceStates(db, later, [debtor.id]);
    expect(decideCadence(loaded!.state, later).contacts.flatMap((c) => c.invoiceSteps.map((s) => s.invoiceId))).not.toContain(invoice.id);
  });
});

describe("uploaded files served to staff", () => {
  it("are downloads with their sniffed type, never rendered", async () => {
    const response = attachmentResponse(PDF, 'reçu "final".pdf', "application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="re_u _final_.pdf"; filename*=UTF-8''re%C3%A7u%20%22final%22.pdf`);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(PDF);
  });
});

describe("the creditor's copies (M22)", () => {
  it("sends each dispute and 'already paid' to the creditor's notification address, with what the debtor confirmed and where from", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(debtors))!.creditorId;
    await db.update(creditors).set({ notificationEmail: "recouvrement@atelier-durand.fr" }).where(eq(creditors.id, creditorId));
    const from = { "User-Agent": "Mozilla/5.0 (Macintosh) Safari/17", "X-Forwarded-For": "198.51.100.66, 203.0.113.9" };
    const copies = async () => await db.select().from(devOutbox).where(eq(devOutbox.toAddress, "recouvrement@atelier-durand.fr"));

    const garage = await debtorWithOverdue("Garage des Alpes SAS");
    const invoice = garage.open.at(-1)!;
    const dispute: [string, string | File][] = [
      ["invoice", String(invoice.id)],
      ["reason", "amount"],
      ["message", "Le prix unitaire est faux."],
      ["intent", "confirm"],
      ["reviewedFiles", "0"],
    ];
    const garageSession = await signIn(garage.debtor.id);
    expect(statusOf(await outcome(() => disputeRoute.action(args(multipart("/portal/dispute", garageSession, dispute, from)))))).toBe(302);
    const disputed = first(await db.select().from(disputes).where(eq(disputes.invoiceId, invoice.id)))!;

    const hotel = await debtorWithOverdue("Hôtel du Parc");
    const claimed = hotel.open.at(-1)!;
    const claim: [string, string | File][] = [
      ["invoice", String(claimed.id)],
      ["paidOn", "2026-11-19"],
      ["amount", (claimed.balanceCents / 100).toFixed(2).replace(".", ",")],
      ["method", "cheque"],
      ["intent", "confirm"],
      ["reviewedFiles", "0"],
    ];
    const hotelSession = await signIn(hotel.debtor.id);
    expect(statusOf(await outcome(() => paidRoute.action(args(multipart("/portal/already-paid", hotelSession, claim, from)))))).toBe(302);
    const claimRow = first(await db.select().from(paymentClaims).where(eq(paymentClaims.invoiceId, claimed.id)))!;

    const evidence = (
      await db
        .select()
        .from(commitmentEvidence)
        .where(inArray(commitmentEvidence.recordId, [disputed.id, claimRow.id]))
    ).filter((e) => (e.kind === "dispute" ? e.recordId === disputed.id : e.recordId === claimRow.id));
    expect(evidence.map((e) => [e.kind, e.recordId, e.acknowledgedIp, e.acknowledgedUserAgent])).toEqual([
      ["dispute", disputed.id, "203.0.113.9", from["User-Agent"]],
      ["payment_claim", claimRow.id, "203.0.113.9", from["User-Agent"]],
    ]);
    expect(evidence[0]!.acknowledgmentText).toContain("Le prix unitaire est faux.");
    // The earlier tests' copies went to the owner: the address was not set yet.
    const sent = await copies();
    expect(sent.map((m) => m.subject)).toEqual(["Copie : Contestation — Garage des Alpes SAS", "Copie : Déclaration « j'ai déjà payé » — Hôtel du Parc"]);
    expect(sent[0]!.text).toContain(invoice.number);
    expect(sent[1]!.text).toContain("Adresse IP : 203.0.113.9");
    expect(sent.every((m) => !/\/l\//.test(m.text))).toBe(true);
  });
});
