import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { importSettled } from "~/services/backoffice/imports.server";
import { readLimitedBytes } from "~/services/http/http.server";
import * as importPage from "~/routes/backoffice.import";
import * as keysPage from "~/routes/backoffice.api-keys";
import * as exportCsv from "~/routes/backoffice.export[.]csv";
import * as debtorsRoute from "~/routes/api.v1.debtors";
import * as invoicesRoute from "~/routes/api.v1.invoices";
import * as invoicesBatch from "~/routes/api.v1.invoices_.batch";
import * as invoiceRoute from "~/routes/api.v1.invoices_.$ref";
import { apiKeys, creditors, debtorContacts, debtors, importRuns, invoices, staffUsers } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
let cookie: string;
let otherCookie: string;
let creditorId: number;
let otherCreditorId: number;
let key: string;

function upload(content: string | Uint8Array, as = cookie) {
  const form = new FormData();
  form.set("csrf", staffCsrf(as));
  form.append("intent", "preview");
  form.append("file", new File([typeof content === "string" ? new TextEncoder().encode(content) : Buffer.from(content)], "f.csv", { type: "text/csv" }));
  return new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: form });
}
function confirmForm(runId: number, as = cookie) {
  const form = new FormData();
  form.set("csrf", staffCsrf(as));
  form.append("intent", "confirm");
  form.append("runId", String(runId));
  return new Request(`${BASE}/backoffice/import`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: form });
}
type PageData = Awaited<ReturnType<typeof importPage.loader>>;
async function previewAndImport(content: string, as = cookie) {
  const response = (await outcome(() => importPage.action(args(upload(content, as))))) as Response;
  expect(response.status).toBe(303);
  const runId = Number(new URL(response.headers.get("Location")!, BASE).searchParams.get("run"));
  const preview = ((await importPage.loader(args(new Request(`${BASE}/backoffice/import?run=${runId}`, { headers: { Cookie: as } })))) as PageData).run!;
  expect(((await outcome(() => importPage.action(args(confirmForm(runId, as))))) as Response).status).toBe(303);
  await importSettled(runId);
  const done = ((await importPage.loader(args(new Request(`${BASE}/backoffice/import?run=${runId}`, { headers: { Cookie: as } })))) as PageData).run!;
  return { preview, done };
}
const post = (path: string, body: unknown, bearer = key) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
async function read(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("Content-Type"),
    body: (await response.json()) as { detail?: string; errors?: { pointer: string; detail: string }[] },
  };
}
async function snapshot() {
  const db = getDb();
  return { debtors: await db.select().from(debtors), contacts: await db.select().from(debtorContacts), invoices: await db.select().from(invoices) };
}

const HEADER = "ref_client;nom_client;numero_facture;montant;date_facture;delai_jours";

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-hostile-"));
  resetEnvCache();
  closeDb();
  const db = getDb();
  creditorId = first(await db.select().from(staffUsers))!.creditorId;
  otherCreditorId = one(
    await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "autre@example.fr" }).returning(),
  ).id;
  await db.insert(staffUsers).values({ creditorId: otherCreditorId, email: "owner@autre.fr", name: "Autre", role: "owner", passwordHash: hash });
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  otherCookie = (await signInStaff(db, "owner@autre.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const made = (await outcome(() =>
    keysPage.action(
      args(
        new Request(`${BASE}/backoffice/api-keys`, {
          method: "POST",
          headers: { Origin: BASE, Cookie: cookie },
          body: new URLSearchParams({ csrf: staffCsrf(cookie), intent: "create", name: "ERP" }),
        }),
      ),
    ),
  )) as { data: { created: { key: string } } };
  key = made.data.created.key;
}, 60_000);

describe("huge files and bodies", () => {
  it("refuses a CSV over 20 MB actually sent (not only declared), and writes no run", async () => {
    const runs = (await getDb().select().from(importRuns)).length;
    const big = HEADER + "\n" + "R1;Nom;F1;100;01/11/2026;30\n".repeat(Math.ceil((21 * 1024 * 1024) / 28));
    const refused = (await outcome(() => importPage.action(args(upload(big))))) as { data: { error: string }; init: { status: number } };
    expect(refused.init.status).toBe(413);
    expect(refused.data.error).toMatch(/dépasse 20 Mo/);
    expect((await getDb().select().from(importRuns)).length).toBe(runs);
  });

  it("stops reading a streamed body without Content-Length as soon as it passes the limit", async () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
        if (sent > 100 * 1024 * 1024) controller.close();
      },
    });
    const request = new Request(`${BASE}/api/v1/debtors`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(((await outcome(() => readLimitedBytes(request, 1024 * 1024))) as Response).status).toBe(413);
    expect(sent).toBeLessThan(2 * 1024 * 1024);
  });

  it("answers 413 for a JSON body over 1 MB and 422 for a batch over 500 items", async () => {
    const huge = await read((await debtorsRoute.action(args(post("/api/v1/debtors", `{"externalRef":"X","name":"${"a".repeat(1_100_000)}"}`)))) as Response);
    expect(huge).toMatchObject({ status: 413, type: "application/problem+json" });
    const items = Array.from({ length: 501 }, (_, i) => ({ number: `H-${i}`, debtorRef: "C0001", amountCents: 100, issueDate: "2026-11-01", paymentTermsDays: 30 }));
    const many = await read((await invoicesBatch.action(args(post("/api/v1/invoices/batch", { items })))) as Response);
    expect(many.status).toBe(422);
    expect(many.body.errors![0]!.pointer).toBe("/items");
  });

  it("refuses a binary file dressed as CSV", async () => {
    const refused = (await outcome(() => importPage.action(args(upload(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0x14])))))) as { data: { error: string } };
    expect(refused.data.error).toMatch(/données binaires/);
  });
});

describe("malicious texts", () => {
  it("refuses control characters, RTL overrides and HTML in a CSV, row by row, writing none of those rows", async () => {
    const before = await snapshot();
    const { done } = await previewAndImport(
      [
        HEADER,
        "H-1;Dupont\u0007SA;HF-1;100;01/11/2026;30",
        "H-2;Facture \u202Efdp.exe;HF-2;100;01/11/2026;30",
        "H-3;<script>alert(1)</script>;HF-3;100;01/11/2026;30",
        'H-4;"<img src=x onerror=alert(1)>";HF-4;100;01/11/2026;30',
        "H-5;Ok;HF-5\u2066;100;01/11/2026;30",
      ].join("\n"),
    );
    expect(done.counts).toMatchObject({ errors: 5, invoices: { created: 0 } });
    expect(done.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/caractères de contrôle/),
      expect.stringMatching(/inversion du sens d'écriture/),
      expect.stringMatching(/balisage HTML/),
      expect.stringMatching(/balisage HTML/),
      expect.stringMatching(/inversion du sens d'écriture/),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the same through the API with 422 and the field's pointer", async () => {
    for (const name of ["A\u0000B", "\u202Egnp.exe", "<b>gras</b>"]) {
      const response = await read((await debtorsRoute.action(args(post("/api/v1/debtors", { externalRef: "H-API", name })))) as Response);
      expect(response).toMatchObject({ status: 422, body: { errors: [{ pointer: "/name" }] } });
    }
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "H-API")))).toBeUndefined();
  });

  it("keeps a formula-looking cell as text, and the export neutralises it", async () => {
    await previewAndImport([HEADER, '"HX-1";"=HYPERLINK(""http://evil.example"",""Payer ici"")";"HF-10";"100";"01/11/2026";"30"'].join("\n"));
    const stored = first(
      await getDb()
        .select()
        .from(debtors)
        .where(and(eq(debtors.creditorId, creditorId), eq(debtors.externalRef, "HX-1"))),
    )!;
    expect(stored.name).toBe('=HYPERLINK("http://evil.example","Payer ici")');
    const csv = await ((await exportCsv.loader(args(new Request(`${BASE}/backoffice/export.csv`, { headers: { Cookie: cookie } })))) as Response).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Payer ici"")"`);
    expect(csv).not.toMatch(/(^|;)"=HYPERLINK/m);
  });
});

describe("absurd amounts and dates", () => {
  it("refuses them in a CSV with the reason, and imports the sane row next to them", async () => {
    const { done } = await previewAndImport(
      [
        HEADER,
        "A-1;Absurde;AF-1;99999999999;01/11/2026;30",
        "A-2;Absurde;AF-2;0;01/11/2026;30",
        "A-3;Absurde;AF-3;-1;01/11/2026;30",
        "A-4;Absurde;AF-4;100;01/01/1970;30",
        "A-5;Absurde;AF-5;100;01/11/2099;30",
        "A-6;Absurde;AF-6;1e9;01/11/2026;30",
        "A-7;Absurde;AF-7;NaN;01/11/2026;30",
        "A-8;Sensé;AF-8;100;01/11/2026;30",
      ].join("\n"),
    );
    expect(done.counts).toMatchObject({ errors: 7, invoices: { created: 1 } });
    expect(done.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/10 000 000/),
      expect.stringMatching(/nul/),
      expect.stringMatching(/positif/),
      expect.stringMatching(/an 2000/),
      expect.stringMatching(/plus de 2 ans/),
      expect.stringMatching(/illisible/),
      expect.stringMatching(/illisible/),
    ]);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "AF-8")))).toMatchObject({ amountCents: 10000 });
  });

  it("refuses them through the API", async () => {
    for (const fields of [
      { amountCents: 1e12 },
      { amountCents: -100 },
      { amountCents: 1.5 },
      { issueDate: "1899-01-01" },
      { dueDate: "2999-01-01", paymentTermsDays: undefined },
    ]) {
      const response = await read(
        (await invoicesRoute.action(
          args(post("/api/v1/invoices", { number: "AB-1", debtorRef: "C0001", amountCents: 100, issueDate: "2026-11-01", paymentTermsDays: 30, ...fields })),
        )) as Response,
      );
      expect(response.status, JSON.stringify(fields)).toBe(422);
    }
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "AB-1")))).toBeUndefined();
  });
});

describe("mass assignment", () => {
  it("refuses JSON fields that are not ours to set (creditorId, balanceCents, status, id), naming each, changing nothing", async () => {
    const before = await snapshot();
    const response = await read(
      (await invoicesRoute.action(
        args(
          post("/api/v1/invoices", {
            number: "MA-1",
            debtorRef: "C0001",
            amountCents: 100000,
            issueDate: "2026-11-01",
            paymentTermsDays: 30,
            creditorId: otherCreditorId,
            balanceCents: 0,
            status: "paid",
            id: 1,
          }),
        ),
      )) as Response,
    );
    expect(response.status).toBe(422);
    expect(response.body.errors!.map((e) => e.pointer).sort()).toEqual(["/balanceCents", "/creditorId", "/id", "/status"]);
    const nested = await read(
      (await invoicesRoute.action(
        args(
          post("/api/v1/invoices", {
            number: "MA-2",
            debtorRef: "X",
            amountCents: 1,
            issueDate: "2026-11-01",
            paymentTermsDays: 1,
            debtor: { externalRef: "X", name: "X", creditorId: 9 },
          }),
        ),
      )) as Response,
    );
    expect(nested.body.errors!.map((e) => e.pointer)).toEqual(["/debtor/creditorId"]);
    expect(await snapshot()).toEqual(before);
  });

  it("ignores such columns in a CSV: the balance is the amount, the status open, the creditor the importer's", async () => {
    const { preview } = await previewAndImport(
      [
        "ref_client;nom_client;numero_facture;montant;date_facture;delai_jours;creditor_id;balance_cents;status;id",
        `MA-C;Client;MA-F1;250,00;01/11/2026;30;${otherCreditorId};0;paid;1`,
      ].join("\n"),
    );
    expect(preview.counts).toMatchObject({ errors: 0, invoices: { created: 1 } });
    const invoice = first(await getDb().select().from(invoices).where(eq(invoices.number, "MA-F1")))!;
    expect(invoice).toMatchObject({ creditorId, amountCents: 25000, balanceCents: 25000, status: "open" });
    expect(invoice.id).not.toBe(1);
  });
});

describe("cross-creditor references", () => {
  it("a CSV with another creditor's debtor and invoice refs creates the importer's own records and leaves the other's untouched", async () => {
    const db = getDb();
    const theirs = first(await db.select().from(invoices).where(eq(invoices.creditorId, creditorId)))!;
    const theirDebtor = first(await db.select().from(debtors).where(eq(debtors.id, theirs.debtorId)))!;
    const before = await snapshot();
    const { done } = await previewAndImport(
      [HEADER, `${theirDebtor.externalRef};Usurpateur;${theirs.number};1;01/11/2026;30`, "ONLYB;Client B;ONLYB-F1;42;01/11/2026;30"].join("\n"),
      otherCookie,
    );
    expect(done.counts).toMatchObject({ errors: 0, debtors: { created: 2 }, invoices: { created: 2 } });
    const after = await snapshot();
    expect(after.debtors.filter((d) => d.creditorId === creditorId)).toEqual(before.debtors.filter((d) => d.creditorId === creditorId));
    expect(after.invoices.filter((i) => i.creditorId === creditorId)).toEqual(before.invoices.filter((i) => i.creditorId === creditorId));
    const mine = first(
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.creditorId, otherCreditorId), eq(invoices.number, theirs.number))),
    )!;
    expect(first(await db.select().from(debtors).where(eq(debtors.id, mine.debtorId)))).toMatchObject({ creditorId: otherCreditorId, name: "Usurpateur" });
  });

  it("an API key never sees or moves another creditor's invoice", async () => {
    const response = (await invoiceRoute.loader(
      args(new Request(`${BASE}/api/v1/invoices/ONLYB-F1`, { headers: { Authorization: `Bearer ${key}` } }), { ref: "ONLYB-F1" }),
    )) as Response;
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, detail: "No invoice with this reference." });
    const pushed = await read(
      (await invoicesRoute.action(
        args(post("/api/v1/invoices", { number: "ONLYB-F1", debtorRef: "ONLYB", amountCents: 1, issueDate: "2026-11-01", paymentTermsDays: 30 })),
      )) as Response,
    );
    expect(pushed.body.errors![0]!.detail).toMatch(/Client inconnu/);
  });
});

describe("revoked keys", () => {
  it("a key revoked in the back office is refused at once with 401", async () => {
    const db = getDb();
    const id = first(await db.select().from(apiKeys).where(eq(apiKeys.creditorId, creditorId)))!.id;
    const revoked = (await outcome(() =>
      keysPage.action(
        args(
          new Request(`${BASE}/backoffice/api-keys`, {
            method: "POST",
            headers: { Origin: BASE, Cookie: cookie },
            body: new URLSearchParams({ csrf: staffCsrf(cookie), intent: "revoke", keyId: String(id) }),
          }),
        ),
      ),
    )) as Response;
    expect(revoked.status).toBe(303);
    const response = await read((await debtorsRoute.action(args(post("/api/v1/debtors", { externalRef: "R-1", name: "Revoked" })))) as Response);
    expect(response).toMatchObject({ status: 401, type: "application/problem+json" });
    expect(first(await db.select().from(debtors).where(eq(debtors.externalRef, "R-1")))).toBeUndefined();
  });

  it("another creditor's owner cannot revoke this creditor's key", async () => {
    const db = getDb();
    const id = first(await db.select().from(apiKeys).where(eq(apiKeys.creditorId, creditorId)))!.id;
    const refused = (await outcome(() =>
      keysPage.action(
        args(
          new Request(`${BASE}/backoffice/api-keys`, {
            method: "POST",
            headers: { Origin: BASE, Cookie: otherCookie },
            body: new URLSearchParams({ csrf: staffCsrf(otherCookie), intent: "revoke", keyId: String(id) }),
          }),
        ),
      ),
    )) as { init: { status: number } };
    expect(refused.init.status).toBe(404);
  });
});
