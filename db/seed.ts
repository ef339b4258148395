import { pathToFileURL } from "node:url";
import { first, one, transaction, type Db } from "./client";
import { cadencePolicies, cadenceSteps, creditors, debtorContacts, debtors, invoices, payments, staffUsers, timelineEvents } from "./tables";
import { demoDebtors, demoDueOffsets, demoPostalCodes } from "./seed-data";
import { addDays, type CalendarDate } from "../app/domain/dates";
import { defaultCadences, type Segment } from "../app/domain/cadence-defaults";

export const DEMO_LOGIN = { email: "demo@atelier-durand.fr", password: "relance-demo" };

/** Small deterministic PRNG (mulberry32): the same seed day always gives the same demo. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Which demo debtor owes each invoice falling due soon: several debtors, one English, one consolidated. */
const SOON_DUE_DEBTORS = [0, 22, 5, 27, 14, 9, 0];
const PAID_INVOICES = 22;

/**
 * A believable French SME (a Lyon joinery) with 30 customers and 100 invoices spread over every
 * aging bucket relative to `today`. Returns false, changing nothing, when a creditor already exists.
 */
export async function seedDemo(db: Db, options: { today: CalendarDate; passwordHash: string }): Promise<boolean> {
  const { today } = options;
  const rand = random(20261122);
  return await transaction(db, async (tx) => {
    if (first(await tx.select({ id: creditors.id }).from(creditors).limit(1))) return false;
    const seededAt = new Date(`${today}T08:00:00Z`);

    const creditor = one(
      await tx
        .insert(creditors)
        .values({
          legalName: "Atelier Durand SARL",
          tradeName: "Atelier Durand",
          legalForm: "SARL au capital de 50 000 €",
          siren: "812345678",
          vatNumber: "FR45812345678",
          addressLine: "14 rue de la Charité",
          postalCode: "69002",
          city: "Lyon",
          email: "compta@atelier-durand.fr",
          phone: "+33478123456",
          bankAccountHolder: "Atelier Durand SARL",
          iban: "FR7630004000031234567890143",
          bic: "BNPAFRPPXXX",
          senderName: "Atelier Durand",
          senderEmail: "relances@atelier-durand.fr",
        })
        .returning(),
    );

    await tx.insert(staffUsers).values([
      { creditorId: creditor.id, email: DEMO_LOGIN.email, name: "Claire Durand", role: "owner", passwordHash: options.passwordHash },
      { creditorId: creditor.id, email: "karim@atelier-durand.fr", name: "Karim Benali", role: "agent", passwordHash: null },
    ]);

    for (const [segment, steps] of Object.entries(defaultCadences) as [Segment, (typeof defaultCadences)[Segment]][]) {
      const policy = one(
        await tx
          .insert(cadencePolicies)
          .values({
            creditorId: creditor.id,
            segment,
            name: { standard: "Standard", high_risk: "Risque élevé", good_payer: "Bons payeurs" }[segment],
            brokenPromisesBeforeLitigation: segment === "high_risk" ? 2 : 3,
          })
          .returning(),
      );
      await tx.insert(cadenceSteps).values(steps.map((step, position) => ({ ...step, policyId: policy.id, position })));
    }

    const debtorRows: (typeof debtors.$inferSelect)[] = [];
    for (const [index, d] of demoDebtors.entries()) {
      const debtor = one(
        await tx
          .insert(debtors)
          .values({
            creditorId: creditor.id,
            externalRef: `C${String(index + 1).padStart(4, "0")}`,
            kind: d.kind,
            name: d.name,
            // Two debtors have no postal address on file: their formal notice becomes a call task.
            addressLine:
              index % 13 === 12
                ? null
                : `${3 + ((index * 7) % 90)} ${index % 2 ? "avenue" : "rue"} ${["Garibaldi", "de la République", "Victor Hugo", "Pasteur", "des Lilas"][index % 5]}`,
            postalCode: demoPostalCodes[d.city] ?? null,
            city: d.city,
            country: d.locale === "en" ? (d.timeZone === "Europe/Paris" ? "FR" : d.timeZone === "Europe/Dublin" ? "IE" : d.timeZone === "Europe/Zurich" ? "CH" : "GB") : "FR",
            locale: d.locale,
            timeZone: d.timeZone,
            segment: d.segment,
          })
          .returning(),
      );
      await tx
        .insert(debtorContacts)
        .values({ debtorId: debtor.id, name: d.contact, email: d.email, phone: d.phone, isPrimary: true, role: d.kind === "business" ? "Comptabilité" : null });
      debtorRows.push({ ...debtor, segment: d.segment });
    }

    const dueOffsets = [...demoDueOffsets.map((offset) => ({ offset, paid: false })), ...Array.from({ length: PAID_INVOICES }, (_, i) => ({ offset: -10 - i * 9, paid: true }))];
    const planned = dueOffsets.map(({ offset, paid }, index) => {
      // The first debtor owes only invoices falling due soon: the pre-reminder journey starts there.
      const spread = (index * 7) % debtorRows.length;
      const debtor = debtorRows[SOON_DUE_DEBTORS[index] ?? (spread === 0 && !paid ? 1 : spread)]!;
      const terms = debtor.segment === "good_payer" ? 60 : index % 5 === 0 ? 45 : 30;
      const base = debtor.kind === "consumer" ? 90 + rand() * 1400 : 250 + rand() * 11_000;
      const dueDate = addDays(today, offset);
      return { debtor, paid, terms, dueDate, issueDate: addDays(dueDate, -terms), amountCents: Math.round(base * 100) };
    });
    planned.sort((a, b) => a.issueDate.localeCompare(b.issueDate));

    for (const [index, p] of planned.entries()) {
      const number = `F-${p.issueDate.slice(0, 4)}-${String(index + 1).padStart(4, "0")}`;
      // One in six overdue invoices has been paid in part.
      const partial = !p.paid && p.dueDate < today && index % 6 === 0 ? Math.round(p.amountCents * 0.4) : 0;
      const invoice = one(
        await tx
          .insert(invoices)
          .values({
            creditorId: creditor.id,
            debtorId: p.debtor.id,
            number,
            externalRef: `ERP-${number}`,
            amountCents: p.amountCents,
            balanceCents: p.paid ? 0 : p.amountCents - partial,
            issueDate: p.issueDate,
            dueDate: p.dueDate,
            paymentTermsDays: p.terms,
            status: p.paid ? "paid" : "open",
            paidAt: p.paid ? new Date(`${addDays(p.dueDate, Math.floor(rand() * 15))}T10:00:00Z`) : null,
          })
          .returning(),
      );
      const paidCents = p.paid ? p.amountCents : partial;
      if (paidCents === 0) continue;
      const receivedAt = invoice.paidAt ?? new Date(`${addDays(p.dueDate, 3)}T10:00:00Z`);
      await tx
        .insert(payments)
        .values({ invoiceId: invoice.id, amountCents: paidCents, currency: "EUR", method: "transfer", provider: "bank", providerRef: `VIR-${number}`, receivedAt });
      await tx.insert(timelineEvents).values({
        creditorId: creditor.id,
        debtorId: p.debtor.id,
        invoiceId: invoice.id,
        type: "payment.recorded",
        actor: "staff",
        data: { amountCents: paidCents, method: "transfer", seed: true },
        occurredAt: receivedAt < seededAt ? receivedAt : seededAt,
      });
    }
    return true;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { parseArgs } = await import("node:util");
  const { getDb, closeDb } = await import("../app/db.server");
  const { hashPassword } = await import("../app/services/auth/passwords.server");
  const { isCalendarDate } = await import("../app/domain/dates");
  const { getEnv } = await import("../app/env.server");
  try {
    // The demo's known login must never exist on a production database.
    if (getEnv().RELANCE_MODE !== "demo") throw new Error("[seed] demo data is seeded in demo mode only (RELANCE_MODE=demo); nothing written");
    const { values } = parseArgs({ options: { today: { type: "string" } } });
    const today = values.today ?? new Date().toISOString().slice(0, 10);
    if (!isCalendarDate(today)) throw new Error(`--today must be a date such as 2026-11-20, got "${today}"`);
    const seeded = await seedDemo(getDb(), { today, passwordHash: await hashPassword(DEMO_LOGIN.password) });
    console.log(seeded ? `[seed] demo data created around ${today}` : "[seed] database already has data, left as it is");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    closeDb();
  }
}
