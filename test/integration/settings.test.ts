import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { creditors, staffAuditEvents, staffSessions, staffUsers } from "../../db/tables";
import { createCookie } from "@remix-run/node";
import { sha256 } from "~/services/auth/tokens.server";
import * as settings from "~/routes/backoffice.settings";
import * as portalLayout from "~/routes/portal";
import { debtorLinks, debtors, devOutbox } from "../../db/tables";
import { startDebtorSession } from "~/services/auth/debtor-sessions.server";
import { queueNotice, sendNoticeNow } from "~/services/shared/notices.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { getEnv } from "~/env.server";
import { args, staffCsrf } from "../support/routes";
import { first, one, transaction } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

let owner: string;
let agent: string;
let readOnly: string;
let creditorId: number;

/** A session row made directly: these tests are about settings, not about signing in. */
async function cookieFor(staffUserId: number) {
  const id = `session-${staffUserId}-${Math.random().toString(36).slice(2)}`;
  await getDb()
    .insert(staffSessions)
    .values({ idHash: sha256(id), staffUserId, createdAt: new Date(NOW), expiresAt: new Date("2026-11-21T00:00:00Z") });
  return (await createCookie("__Host-staff").serialize(id)).split(";")[0]!;
}

const post = (fields: Record<string, string>, cookie = owner, origin = BASE) =>
  new Request(`${BASE}/backoffice/settings`, { method: "POST", headers: { Origin: origin, Cookie: cookie }, body: new URLSearchParams({ csrf: staffCsrf(cookie), ...fields }) });

type Result = { data: { status: string; fields?: Record<string, string>; changed?: string[] }; init: { status: number } };

async function outcome(run: () => unknown): Promise<Result | Response> {
  try {
    return (await run()) as Result;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const creditor = async () => first(await getDb().select().from(creditors).where(eq(creditors.id, creditorId)))!;
const auditCount = async () => (await getDb().select().from(staffAuditEvents)).length;

const identity = {
  section: "identity",
  legalName: "Atelier Durand SARL",
  tradeName: "Atelier Durand",
  legalForm: "SARL au capital de 50 000 €",
  siren: "732 829 320",
  vatNumber: "FR44732829320",
  addressLine: "14 rue de la Charité",
  postalCode: "69002",
  city: "Lyon",
  country: "FR",
  email: "compta@atelier-durand.fr",
  phone: "+33 4 78 00 00 00",
};

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  const staff = await db.select().from(staffUsers);
  const ownerRow = staff.find((s) => s.role === "owner")!;
  creditorId = ownerRow.creditorId;
  const readOnlyRow = one(await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only" }).returning());
  owner = await cookieFor(ownerRow.id);
  agent = await cookieFor(staff.find((s) => s.role === "agent")!.id);
  readOnly = await cookieFor(readOnlyRow.id);
});

describe("settings: what each validator refuses, with nothing written", () => {
  it.each([
    ["identity", "siren", "SIREN n'est pas valable", { ...identity, siren: "732829321" }],
    ["identity", "vatNumber", "clé de ce numéro de TVA", { ...identity, vatNumber: "FR45732829320" }],
    ["identity", "postalCode", "5 chiffres", { ...identity, postalCode: "6900" }],
    ["identity", "legalName", "raison sociale", { ...identity, legalName: " " }],
    ["bank", "iban", "clé de contrôle", { section: "bank", bankAccountHolder: "Atelier Durand", iban: "FR76 3000 6000 0112 3456 7890 188", bic: "BNPAFRPP" }],
    ["bank", "bic", "BIC n'est pas valable", { section: "bank", bankAccountHolder: "Atelier Durand", iban: "FR76 3000 6000 0112 3456 7890 189", bic: "BNP1FRPP" }],
    ["bank", "bankAccountHolder", "titulaire", { section: "bank", bankAccountHolder: "", iban: "FR76 3000 6000 0112 3456 7890 189", bic: "" }],
    ["penalties", "contractRate", "au plus 50", { section: "penalties", penaltyRateMode: "contract", contractRate: "60" }],
    ["penalties", "contractRate", "taux contractuel", { section: "penalties", penaltyRateMode: "contract", contractRate: "" }],
    // L441-10: at least 3 × the legal rate; with none recorded for this half-year, the last known one (2,62 %) is used and said.
    ["penalties", "contractRate", "au moins 7,86 %", { section: "penalties", penaltyRateMode: "contract", contractRate: "7,85" }],
    ["branding", "accentColor", "#rrggbb", { section: "branding", displayName: "Durand", accentColor: "#12345" }],
    ["senders", "senderEmail", "propre domaine", { section: "senders", senderName: "Durand", senderEmail: "durand@gmail.com", smsSenderId: "" }],
    ["senders", "senderEmail", "domaine", { section: "senders", senderName: "Durand", senderEmail: "relances@durand", smsSenderId: "" }],
    ["senders", "smsSenderId", "au moins une lettre", { section: "senders", senderName: "", senderEmail: "", smsSenderId: "12345678" }],
    ["senders", "notificationEmail", "pas valable", { section: "senders", senderName: "", senderEmail: "", smsSenderId: "", notificationEmail: "compta@" }],
    ["retention", "retentionMonths", "Au moins 12 mois", { section: "retention", retentionMonths: "6" }],
    ["retention", "retentionMonths", "Au plus 120 mois", { section: "retention", retentionMonths: "121" }],
    ["retention", "retentionMonths", "nombre entier de mois", { section: "retention", retentionMonths: "5 ans" }],
  ])("%s: %s refused (%s)", async (_section, field, words, fields) => {
    const before = await creditor();
    const audits = await auditCount();
    const result = (await settings.action(args(post(fields)))) as unknown as Result;
    expect(result.init.status).toBe(400);
    expect(result.data.status).toBe("error");
    expect(result.data.fields![field]).toContain(words);
    expect(await creditor()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });
});

describe("settings: an owner's change", () => {
  it("writes the section and its audit event together, and the page shows who changed which fields", async () => {
    const result = (await settings.action(args(post(identity)))) as unknown as Result;
    expect(result.data.status).toBe("saved");
    expect(await creditor()).toMatchObject({ siren: "732829320", vatNumber: "FR44732829320", phone: "+33 4 78 00 00 00" });

    const bank = (await settings.action(
      args(post({ section: "bank", bankAccountHolder: "Atelier Durand SARL", iban: "fr76 3000 6000 0112 3456 7890 189", bic: "bnpa fr pp" })),
    )) as unknown as Result;
    expect(bank.data.status).toBe("saved");
    expect(await creditor()).toMatchObject({ iban: "FR7630006000011234567890189", bic: "BNPAFRPP" });

    const penalties = (await settings.action(
      args(post({ section: "penalties", penaltyRateMode: "contract", contractRate: "12,5", allowPartialPayments: "on" })),
    )) as unknown as Result;
    expect(penalties.data.changed).toEqual(expect.arrayContaining(["Taux des pénalités", "Taux contractuel", "Indemnité de 40 €"]));
    expect(await creditor()).toMatchObject({
      penaltyRateMode: "contract",
      contractPenaltyRateBp: 1250,
      recoveryIndemnityEnabled: false,
      addPenaltiesToAmountDue: false,
      allowPartialPayments: true,
    });

    await settings.action(args(post({ section: "branding", displayName: "Menuiserie Durand", accentColor: "#0F766E" })));
    await settings.action(
      args(
        post({
          section: "senders",
          senderName: "Atelier Durand",
          senderEmail: "Compta@Atelier-Durand.fr",
          smsSenderId: "DURAND",
          notificationEmail: "Direction@Atelier-Durand.fr",
        }),
      ),
    );
    expect(await creditor()).toMatchObject({
      displayName: "Menuiserie Durand",
      accentColor: "#0f766e",
      senderEmail: "compta@atelier-durand.fr",
      smsSenderId: "DURAND",
      notificationEmail: "direction@atelier-durand.fr",
    });

    // The same form again changes nothing and records nothing.
    const audits = await auditCount();
    const same = (await settings.action(args(post({ section: "branding", displayName: "Menuiserie Durand", accentColor: "#0f766e" })))) as unknown as Result;
    expect(same.data.changed).toEqual([]);
    expect(await auditCount()).toBe(audits);

    const page = await settings.loader(args(new Request(`${BASE}/backoffice/settings`, { headers: { Cookie: owner } })));
    expect(page.ibanGrouped).toBe("FR76 3000 6000 0112 3456 7890 189");
    expect(page.values.contractRate).toBe("12,5");
    expect(page.audit[0]).toMatchObject({ who: "Claire Durand", section: "Expéditeurs", fields: ["E-mail de l'expéditeur", "Expéditeur SMS", "Adresse de notification"] });
    expect(page.audit.map((a) => a.section)).toEqual(["Expéditeurs", "Image de marque", "Pénalités de retard", "Coordonnées bancaires", "Identité légale"]);
    // The trail names fields, never their values.
    expect(JSON.stringify(await getDb().select().from(staffAuditEvents))).not.toContain("FR7630006000011234567890189");
  });
});

describe("settings: the retention period", () => {
  it("starts at 60 months (5 years) and an owner's change is saved and audited", async () => {
    const before = await settings.loader(args(new Request(`${BASE}/backoffice/settings`, { headers: { Cookie: owner } })));
    expect(before.values.retentionMonths).toBe("60");
    const result = (await settings.action(args(post({ section: "retention", retentionMonths: " 84 " })))) as unknown as Result;
    expect(result.data).toEqual({ status: "saved", section: "retention", changed: ["Durée de conservation"] });
    expect((await creditor()).retentionMonths).toBe(84);
    const page = await settings.loader(args(new Request(`${BASE}/backoffice/settings`, { headers: { Cookie: owner } })));
    expect(page.values.retentionMonths).toBe("84");
    expect(page.audit[0]).toMatchObject({ section: "Conservation des données", fields: ["Durée de conservation"] });
  });
});

describe("settings: who may change them", () => {
  it("lets agents and read-only members read, not write, and hides the audit trail from them", async () => {
    for (const cookie of [agent, readOnly]) {
      const page = await settings.loader(args(new Request(`${BASE}/backoffice/settings`, { headers: { Cookie: cookie } })));
      expect(page.canEdit).toBe(false);
      expect(page.values.legalName).toBe("Atelier Durand SARL");
      expect(page.audit).toEqual([]);
      const before = await creditor();
      const refused = (await outcome(() => settings.action(args(post({ section: "branding", displayName: "Pirate", accentColor: "#000000" }, cookie))))) as Response;
      expect(refused.status).toBe(403);
      expect(await creditor()).toEqual(before);
    }
  });

  it("refuses a form from another origin and a visitor without a session", async () => {
    const foreign = (await outcome(() => settings.action(args(post({ section: "branding", displayName: "Pirate", accentColor: "" }, owner, "https://evil.example"))))) as Response;
    expect(foreign.status).toBe(403);
    const anonymous = (await outcome(() => settings.loader(args(new Request(`${BASE}/backoffice/settings`))))) as Response;
    expect(anonymous.headers.get("Location")).toBe("/backoffice/login");
    expect((await creditor()).displayName).toBe("Menuiserie Durand");
  });
});

describe("branding", () => {
  it("puts the display name and accent colour in the portal header and in the emails", async () => {
    const db = getDb();
    const debtor = first(await db.select().from(debtors).where(eq(debtors.creditorId, creditorId)))!;
    const link = one(
      await db
        .insert(debtorLinks)
        .values({ jti: "branding-test", debtorId: debtor.id, scope: [], channel: "email", issuedAt: new Date(NOW), expiresAt: new Date("2026-12-20T00:00:00Z") })
        .returning(),
    );
    const cookie = (await startDebtorSession(db, { debtorId: debtor.id, linkId: link.id, now: new Date(NOW) })).split(";")[0]!;
    const layout = await portalLayout.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: cookie } })));
    expect(layout.brand).toEqual({ name: "Menuiserie Durand", accentColor: "#0f766e" });

    const env = getEnv();
    const messageId = await transaction(db, async (tx) =>
      queueNotice(tx, env, { debtorId: debtor.id, key: "branding-test", title: "Test", lines: ["Une ligne."], withLink: false }, new Date(NOW)),
    );
    await sendNoticeNow({ db, env, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) }, messageId);
    const mail = first(await db.select().from(devOutbox).where(eq(devOutbox.idempotencyKey, "notice:branding-test:email")))!;
    expect(mail.subject).toBe("Menuiserie Durand : Test");
    expect(mail.html).toContain("border-top:6px solid #0f766e");
    expect(mail.fromAddress).toBe("Atelier Durand <compta@atelier-durand.fr>");
  });
});
