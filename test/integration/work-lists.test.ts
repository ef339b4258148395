import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { storeLetterPdf } from "~/services/shared/letters.server";
import * as calls from "~/routes/backoffice.calls";
import * as review from "~/routes/backoffice.review";
import * as lettersRoute from "~/routes/backoffice.letters";
import * as debtorList from "~/routes/backoffice.debtors._index";
import { cadencePauses, callTasks, creditors, debtors, disputes, installmentPlans, invoices, letters, paymentClaims, staffUsers, timelineEvents } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, one, closeConnection } from "../../db/client";

/**
 * Issue 16, item 2: the back office's work lists are tables sorted and filtered through the URL,
 * one row opened in place, the next one opened after a decision, and bulk actions on what is ticked.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

let cookie: string;
let creditorId: number;
let memberId: number;
let foreignDebtorId: number;
let foreignTaskId: number;
const taskOf = new Map<string, number>();

const post = (path: string, fields: [string, string][]) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: cookie }, body: new URLSearchParams([["csrf", staffCsrf(cookie)], ...fields]) });
const get = (path: string) => args(new Request(`${BASE}${path}`, { headers: { Cookie: cookie } }));
const location = (thrown: unknown) => (thrown as Response).headers.get("Location");

async function debtorNamed(name: string) {
  return first(await getDb().select().from(debtors).where(eq(debtors.name, name)))!;
}

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  await closeConnection(seedConn);
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  creditorId = first(await db.select().from(staffUsers))!.creditorId;
  memberId = one(await db.insert(staffUsers).values({ creditorId, email: "camille@atelier-durand.fr", name: "Camille Agent", role: "agent", passwordHash: hash }).returning()).id;
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;

  // Three calls: two due now, one tomorrow.
  for (const [name, dueAt] of [
    ["Boulangerie Martin SARL", "2026-11-20T08:00:00Z"],
    ["Salon Coiffure Élégance", "2026-11-20T08:30:00Z"],
    ["Librairie La Page", "2026-11-21T08:00:00Z"],
  ] as const) {
    const debtor = await debtorNamed(name);
    taskOf.set(
      name,
      one(
        await db
          .insert(callTasks)
          .values({ creditorId, debtorId: debtor.id, reason: "Deuxième relance sans réponse", dueAt: new Date(dueAt) })
          .returning(),
      ).id,
    );
  }
  // Another creditor's debtor and call: no bulk action of ours may touch them.
  const other = one(
    await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue Autre", postalCode: "69001", city: "Lyon", email: "autre@example.fr" }).returning(),
  );
  foreignDebtorId = one(await db.insert(debtors).values({ creditorId: other.id, kind: "business", name: "Client d'un autre" }).returning()).id;
  foreignTaskId = one(
    await db
      .insert(callTasks)
      .values({ creditorId: other.id, debtorId: foreignDebtorId, reason: "Appel", dueAt: new Date(NOW) })
      .returning(),
  ).id;
});

describe("the call list", () => {
  it("sorts by a column both ways and filters by when the call is due and by name, accents ignored", async () => {
    const byAmount = await calls.loader(get("/backoffice/calls?tri=montant&ordre=asc"));
    const amounts = byAmount.rows.map((r) => r.owedCents);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    const reversed = await calls.loader(get("/backoffice/calls?tri=montant&ordre=desc"));
    expect(reversed.rows.map((r) => r.taskId)).toEqual([...byAmount.rows.map((r) => r.taskId)].reverse());

    const now = await calls.loader(get("/backoffice/calls?quand=maintenant"));
    expect(now.rows.map((r) => r.debtorName).sort()).toEqual(["Boulangerie Martin SARL", "Salon Coiffure Élégance"]);
    const found = await calls.loader(get("/backoffice/calls?q=elegance"));
    expect(found.rows.map((r) => r.debtorName)).toEqual(["Salon Coiffure Élégance"]);
    // A hand-typed bad parameter falls back to the default instead of failing the page.
    const odd = await calls.loader(get("/backoffice/calls?tri=nimporte&quand=hier"));
    expect(odd.sort.key).toBe("priorite");
    expect(odd.rows).toHaveLength(3);
  });

  it("gives the ticked calls to a member, only this creditor's, and says so when nothing is ticked", async () => {
    const none = (await outcome(() =>
      calls.action(
        args(
          post("/backoffice/calls", [
            ["intent", "assign"],
            ["memberId", String(memberId)],
          ]),
        ),
      ),
    )) as { data: { assignError: string }; init: { status: number } };
    expect(none.init.status).toBe(400);
    expect(none.data.assignError).toMatch(/Cochez au moins un appel/);

    const ticked = [taskOf.get("Boulangerie Martin SARL")!, taskOf.get("Librairie La Page")!, foreignTaskId];
    const done = await outcome(() =>
      calls.action(
        args(
          post("/backoffice/calls", [
            ["intent", "assign"],
            ["memberId", String(memberId)],
            ["list", "?quand=tous&tri=client"],
            ...ticked.map((id) => ["taskId", String(id)] as [string, string]),
          ]),
        ),
      ),
    );
    expect(location(done)).toBe("/backoffice/calls?quand=tous&tri=client");
    const assigned = await getDb().select({ id: callTasks.id, assignedTo: callTasks.assignedTo }).from(callTasks).where(inArray(callTasks.id, ticked));
    expect(Object.fromEntries(assigned.map((t) => [t.id, t.assignedTo]))).toEqual({ [ticked[0]!]: memberId, [ticked[1]!]: memberId, [foreignTaskId]: null });

    const toNobody = await calls.loader(get("/backoffice/calls?attribution=personne"));
    expect(toNobody.rows.map((r) => r.debtorName)).toEqual(["Salon Coiffure Élégance"]);
    const list = await calls.loader(get("/backoffice/calls"));
    expect(list.rows.find((r) => r.debtorName === "Boulangerie Martin SARL")!.assignee).toBe("Camille Agent");
  });

  it("refuses a member of another creditor or a made-up one", async () => {
    const refused = (await outcome(() =>
      calls.action(
        args(
          post("/backoffice/calls", [
            ["intent", "assign"],
            ["memberId", "999999"],
            ["taskId", String(taskOf.get("Boulangerie Martin SARL"))],
          ]),
        ),
      ),
    )) as { data: { assignError: string }; init: { status: number } };
    expect(refused.init.status).toBe(400);
    expect(refused.data.assignError).toMatch(/Choisissez un membre/);
  });

  it("logging a call returns to the same sorted list with the next call open", async () => {
    const list = await calls.loader(get("/backoffice/calls?tri=client&ordre=asc"));
    const [initial, second] = list.rows;
    expect(initial!.nextTaskId).toBe(second!.taskId);
    const saved = await outcome(() =>
      calls.action(
        args(
          post("/backoffice/calls", [
            ["taskId", String(initial!.taskId)],
            ["outcome", "no_answer"],
            ["nextTaskId", String(second!.taskId)],
            ["list", "?tri=client&ordre=asc&ouvrir=1"],
          ]),
        ),
      ),
    );
    expect(location(saved)).toBe(`/backoffice/calls?tri=client&ordre=asc&ouvrir=${second!.taskId}`);
    const after = await calls.loader(get(`/backoffice/calls?tri=client&ordre=asc&ouvrir=${second!.taskId}`));
    expect(after.filters.ouvrir).toBe(second!.taskId);
    expect(after.rows.map((r) => r.taskId)).not.toContain(initial!.taskId);
  });
});

describe("the review queue", () => {
  it("puts plans, disputes and claims in one list, oldest first, filtered by kind, and opens the next after a decision", async () => {
    const db = getDb();
    const [a, b, c] = await Promise.all(["Boulangerie Martin SARL", "Salon Coiffure Élégance", "Librairie La Page"].map(debtorNamed));
    const invoiceOf = async (debtorId: number) =>
      first(
        await db
          .select()
          .from(invoices)
          .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"))),
      )!;
    const planId = one(
      await db
        .insert(installmentPlans)
        .values({ debtorId: a!.id, totalCents: 300_00, currency: "EUR", status: "pending_review", createdAt: new Date("2026-11-18T10:00:00Z") })
        .returning(),
    ).id;
    const disputeId = one(
      await db
        .insert(disputes)
        .values({ debtorId: b!.id, invoiceId: (await invoiceOf(b!.id)).id, reason: "quality", message: "Produit abîmé", createdAt: new Date("2026-11-17T10:00:00Z") })
        .returning(),
    ).id;
    const claimId = one(
      await db
        .insert(paymentClaims)
        .values({
          debtorId: c!.id,
          invoiceId: (await invoiceOf(c!.id)).id,
          paidOn: "2026-11-16",
          amountCents: 50_00,
          method: "transfer",
          createdAt: new Date("2026-11-19T10:00:00Z"),
        })
        .returning(),
    ).id;

    const queue = await review.loader(get("/backoffice/review"));
    const ours = queue.decisions.filter((d) => [`plan-${planId}`, `dispute-${disputeId}`, `claim-${claimId}`].includes(d.key));
    expect(ours.map((d) => d.key)).toEqual([`dispute-${disputeId}`, `plan-${planId}`, `claim-${claimId}`]);
    const onlyClaims = await review.loader(get("/backoffice/review?type=claim"));
    expect(onlyClaims.decisions.every((d) => d.kind === "claim")).toBe(true);
    expect(onlyClaims.decisions.map((d) => d.key)).toContain(`claim-${claimId}`);

    const dispute = queue.decisions.find((d) => d.key === `dispute-${disputeId}`)!;
    const decided = await outcome(() =>
      review.action(
        args(
          post("/backoffice/review", [
            ["intent", "dispute-unfounded"],
            ["id", String(disputeId)],
            ["reason", "La marchandise a été livrée conforme"],
            ["next", dispute.next ?? ""],
            ["list", "?type=tous"],
          ]),
        ),
      ),
    );
    expect(location(decided)).toBe(`/backoffice/review?type=tous${dispute.next ? `&ouvrir=${dispute.next}` : ""}`);
    expect(first(await db.select().from(disputes).where(eq(disputes.id, disputeId)))!.status).not.toBe("open");
    // A forged "next" cannot send the browser anywhere but an item of the list.
    const forged = await outcome(() =>
      review.action(
        args(
          post("/backoffice/review", [
            ["intent", "plan-accept"],
            ["id", String(planId)],
            ["next", "//evil.example"],
          ]),
        ),
      ),
    );
    expect(location(forged)).toBe("/backoffice/review");
  });
});

describe("letters to post", () => {
  it("flags letters waiting more than three business days, filters them, and keeps the filter after posting one", async () => {
    const db = getDb();
    const storage = mkdtempSync(join(tmpdir(), "relance-letters-"));
    const stored = storeLetterPdf(storage, new TextEncoder().encode("%PDF-1.7 test"), "formal-notice.pdf");
    const debtorId = (await debtorNamed("Boulangerie Martin SARL")).id;
    // Prepared on Friday 13 November: five business days by Friday 20th. And one from this morning.
    const old = one(
      await db
        .insert(letters)
        .values({ creditorId, debtorId, kind: "formal_notice", pdfPath: stored.path, pdfSha256: stored.sha256, createdAt: new Date("2026-11-13T09:00:00Z") })
        .returning(),
    ).id;
    const fresh = one(
      await db
        .insert(letters)
        .values({ creditorId, debtorId, kind: "formal_notice", pdfPath: stored.path, pdfSha256: stored.sha256, createdAt: new Date("2026-11-20T07:00:00Z") })
        .returning(),
    ).id;

    const all = await lettersRoute.loader(get("/backoffice/letters"));
    expect(all.letters.map((l) => [l.id, l.late, l.businessDays])).toEqual([
      [old, true, 5],
      [fresh, false, 0],
    ]);
    const late = await lettersRoute.loader(get("/backoffice/letters?attente=en-retard"));
    expect(late.letters.map((l) => l.id)).toEqual([old]);

    const posted = await outcome(() =>
      lettersRoute.action(
        args(
          post("/backoffice/letters", [
            ["letterId", String(old)],
            ["trackingNumber", "1A23456789012"],
            ["list", "?attente=en-retard&ouvrir=3"],
          ]),
        ),
      ),
    );
    expect(location(posted)).toBe("/backoffice/letters?attente=en-retard");
    expect(first(await db.select().from(letters).where(eq(letters.id, old)))!.status).toBe("posted");
  });
});

describe("the debtor list", () => {
  it("sorts by name both ways", async () => {
    const up = await debtorList.loader(get("/backoffice/debtors?tri=client&ordre=asc"));
    const names = up.debtors.map((d) => d.name);
    expect(names).toEqual([...names].sort((x, y) => x.localeCompare(y, "fr")));
    const down = (await debtorList.loader(get("/backoffice/debtors?tri=client&ordre=desc"))).debtors.map((d) => d.name);
    expect(down).toEqual([...down].sort((x, y) => y.localeCompare(x, "fr")));
    expect(down[0]! > names[0]!).toBe(true);
  });

  it("suspends the ticked debtors' reminders with one reason and end date, then resumes them; another creditor's debtor is untouched", async () => {
    const db = getDb();
    const ticked = [(await debtorNamed("Boulangerie Martin SARL")).id, (await debtorNamed("Librairie La Page")).id];
    const fields = (intent: string, extra: [string, string][] = []) =>
      [["intent", intent], ...extra, ...[...ticked, foreignDebtorId].map((id) => ["debtorId", String(id)] as [string, string])] as [string, string][];

    const noReason = (await outcome(() => debtorList.action(args(post("/backoffice/debtors", fields("hold", [["until", "2026-12-15"]])))))) as {
      data: { bulkErrors: Record<string, string> };
      init: { status: number };
    };
    expect(noReason.init.status).toBe(400);
    expect(noReason.data.bulkErrors.reason).toMatch(/Indiquez pourquoi/);
    const tooFar = (await outcome(() =>
      debtorList.action(
        args(
          post(
            "/backoffice/debtors",
            fields("hold", [
              ["reason", "Négociation globale"],
              ["until", "2027-06-01"],
            ]),
          ),
        ),
      ),
    )) as { data: { bulkErrors: Record<string, string> } };
    expect(tooFar.data.bulkErrors.until).toMatch(/90 jours au plus/);
    const nothing = (await outcome(() =>
      debtorList.action(
        args(
          post("/backoffice/debtors", [
            ["intent", "hold"],
            ["reason", "Négociation"],
            ["until", "2026-12-15"],
          ]),
        ),
      ),
    )) as { data: { bulkErrors: Record<string, string> } };
    expect(nothing.data.bulkErrors.debtors).toMatch(/Cochez au moins un client/);
    const holds = async () =>
      (
        await db
          .select({ debtorId: cadencePauses.debtorId })
          .from(cadencePauses)
          .where(and(eq(cadencePauses.reason, "staff_hold"), isNull(cadencePauses.resolvedAt)))
      ).map((p) => p.debtorId);
    expect(await holds()).toEqual([]);

    const held = await outcome(() =>
      debtorList.action(
        args(
          post(
            "/backoffice/debtors",
            fields("hold", [
              ["reason", "Négociation globale avec le groupe"],
              ["until", "2026-12-15"],
              ["list", "?filtre=overdue&page=1"],
            ]),
          ),
        ),
      ),
    );
    expect(location(held)).toBe("/backoffice/debtors?filtre=overdue&page=1&fait=suspendu:2");
    expect((await holds()).sort()).toEqual([...ticked].sort());
    const logged = (await db.select({ debtorId: timelineEvents.debtorId }).from(timelineEvents).where(eq(timelineEvents.type, "pause.staff_hold"))).map((e) => e.debtorId);
    expect(logged.sort()).toEqual([...ticked].sort());
    const page = await debtorList.loader(get("/backoffice/debtors?fait=suspendu:2&filtre=paused"));
    expect(page.done).toEqual({ kind: "suspendu", count: 2 });
    expect(page.debtors.map((d) => d.id)).toEqual(expect.arrayContaining(ticked));

    const resumed = await outcome(() => debtorList.action(args(post("/backoffice/debtors", fields("resume")))));
    expect(location(resumed)).toBe("/backoffice/debtors?fait=repris:2");
    expect(await holds()).toEqual([]);
  });
});
