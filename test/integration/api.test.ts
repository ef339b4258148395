import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { sha256 } from "~/services/auth/tokens.server";
import * as keysPage from "~/routes/backoffice.api-keys";
import * as debtorsRoute from "~/routes/api.v1.debtors";
import * as debtorsBatch from "~/routes/api.v1.debtors_.batch";
import * as debtorRoute from "~/routes/api.v1.debtors_.$ref";
import * as invoicesRoute from "~/routes/api.v1.invoices";
import * as invoicesBatch from "~/routes/api.v1.invoices_.batch";
import * as invoiceRoute from "~/routes/api.v1.invoices_.$ref";
import * as paymentsRoute from "~/routes/api.v1.invoices_.$ref_.payments";
import * as openapiRoute from "~/routes/api.v1.openapi[.]json";
import { apiKeys, creditors, debtors, invoices, payments, staffUsers, timelineEvents } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
let ownerCookie: string;
let agentCookie: string;
let readOnlyCookie: string;
let creditorId: number;
let key: string;
let otherKey: string;

const form = (fields: Record<string, string>, cookie = ownerCookie) =>
  new Request(`${BASE}/backoffice/api-keys`, { method: "POST", headers: { Origin: BASE, Cookie: cookie }, body: new URLSearchParams({ csrf: staffCsrf(cookie), ...fields }) });
type KeyResult = { data: { created?: { key: string; prefix: string }; fields?: Record<string, string> }; init: { status: number } | null };

const post = (path: string, body: unknown, bearer: string | null = key, headers: Record<string, string> = {}) =>
  new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const get = (path: string, bearer: string | null = key) => new Request(`${BASE}${path}`, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
async function read(response: Response) {
  return {
    status: response.status,
    type: response.headers.get("Content-Type"),
    body: (await response.json()) as Record<string, unknown> & { errors?: { pointer: string; detail: string }[] },
  };
}

const DEBTOR = { externalRef: "API-C1", name: "Charpente Morel", email: "compta@morel.fr", phone: "+33611223344" };
const INVOICE = { number: "API-F1", debtorRef: "API-C1", amountCents: 250000, issueDate: "2026-10-15", paymentTermsDays: 30 };

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  creditorId = first(await db.select().from(staffUsers))!.creditorId;
  await db.insert(staffUsers).values({ creditorId, email: "agent@atelier-durand.fr", name: "Agent", role: "agent", passwordHash: hash });
  await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  const other = one(
    await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "autre@example.fr" }).returning(),
  );
  await db.insert(staffUsers).values({ creditorId: other.id, email: "owner@autre.fr", name: "Autre", role: "owner", passwordHash: hash });
  const at = new Date(NOW);
  ownerCookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, at))!.split(";")[0]!;
  agentCookie = (await signInStaff(db, "agent@atelier-durand.fr", DEMO_LOGIN.password, at))!.split(";")[0]!;
  readOnlyCookie = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, at))!.split(";")[0]!;
  const otherCookie = (await signInStaff(db, "owner@autre.fr", DEMO_LOGIN.password, at))!.split(";")[0]!;
  const made = (await outcome(() => keysPage.action(args(form({ intent: "create", name: "Autre logiciel" }, otherCookie)))))! as KeyResult;
  otherKey = made.data.created!.key;
}, 60_000);

describe("API keys in the back office", () => {
  it("shows a new key once, stores only its hash, lists it by name and prefix", async () => {
    const made = (await outcome(() => keysPage.action(args(form({ intent: "create", name: "Logiciel de facturation" }))))) as KeyResult;
    key = made.data.created!.key;
    expect(key).toMatch(/^rlk_[\w-]{8}_[\w-]{43}$/);
    const stored = first(await getDb().select().from(apiKeys).where(eq(apiKeys.creditorId, creditorId)))!;
    expect(stored).toMatchObject({ name: "Logiciel de facturation", prefix: key.slice(0, 12), keyHash: sha256(key), revokedAt: null, lastUsedAt: null });
    expect(JSON.stringify(stored)).not.toContain(key);
    const page = (await keysPage.loader(args(new Request(`${BASE}/backoffice/api-keys`, { headers: { Cookie: ownerCookie } })))) as Awaited<ReturnType<typeof keysPage.loader>>;
    expect(page.keys).toMatchObject([{ name: "Logiciel de facturation", prefix: key.slice(0, 12), lastUsedAt: null }]);
    expect(JSON.stringify(page)).not.toContain(key);
  });

  it("refuses an empty or hostile name next to the field", async () => {
    const empty = (await outcome(() => keysPage.action(args(form({ intent: "create", name: "  " }))))) as KeyResult;
    expect(empty.init?.status).toBe(400);
    expect(empty.data.fields!.name).toMatch(/Donnez un nom/);
    const html = (await outcome(() => keysPage.action(args(form({ intent: "create", name: "<script>x</script>" }))))) as KeyResult;
    expect(html.data.fields!.name).toMatch(/refusés/);
  });

  it("lets neither agents nor read-only members manage keys", async () => {
    for (const cookie of [agentCookie, readOnlyCookie]) {
      const refused = (await outcome(() => keysPage.action(args(form({ intent: "create", name: "X" }, cookie))))) as Response;
      expect(refused.status).toBe(403);
    }
    expect(await getDb().select().from(apiKeys).where(eq(apiKeys.creditorId, creditorId))).toHaveLength(1);
  });
});

describe("authentication", () => {
  it("answers 401 problem details without a key, with a malformed or unknown one", async () => {
    for (const bearer of [null, "not-a-key", `rlk_AAAAAAAA_${"A".repeat(43)}`]) {
      const response = (await debtorRoute.loader(args(get("/api/v1/debtors/API-C1", bearer), { ref: "API-C1" }))) as Response;
      expect(response.status).toBe(401);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ type: "about:blank", title: "Unauthorized", status: 401 });
    }
  });
});

describe("pushing debtors and invoices", () => {
  it("creates a debtor, then says unchanged for the same data, updated for new data", async () => {
    expect(await read((await debtorsRoute.action(args(post("/api/v1/debtors", DEBTOR)))) as Response)).toMatchObject({
      status: 201,
      body: { result: "created", externalRef: "API-C1" },
    });
    expect(await read((await debtorsRoute.action(args(post("/api/v1/debtors", DEBTOR)))) as Response)).toMatchObject({ status: 200, body: { result: "unchanged" } });
    expect(await read((await debtorsRoute.action(args(post("/api/v1/debtors", { ...DEBTOR, city: "Annecy" })))) as Response)).toMatchObject({
      status: 200,
      body: { result: "updated" },
    });
    const stored = first(
      await getDb()
        .select()
        .from(debtors)
        .where(and(eq(debtors.creditorId, creditorId), eq(debtors.externalRef, "API-C1"))),
    )!;
    expect(stored).toMatchObject({ name: "Charpente Morel", city: "Annecy", kind: "business" });
    expect(
      first(
        await getDb()
          .select()
          .from(apiKeys)
          .where(eq(apiKeys.keyHash, sha256(key))),
      )!.lastUsedAt,
    ).toEqual(new Date(NOW));
  });

  it("creates an invoice, idempotently, and flags terms beyond the legal limit as a warning", async () => {
    expect(await read((await invoicesRoute.action(args(post("/api/v1/invoices", INVOICE)))) as Response)).toMatchObject({
      status: 201,
      body: { result: "created", externalRef: "API-F1", warnings: [] },
    });
    expect(await read((await invoicesRoute.action(args(post("/api/v1/invoices", INVOICE)))) as Response)).toMatchObject({ status: 200, body: { result: "unchanged" } });
    const long = await read((await invoicesRoute.action(args(post("/api/v1/invoices", { ...INVOICE, number: "API-F2", paymentTermsDays: 90 })))) as Response);
    expect(long).toMatchObject({ status: 201, body: { result: "created", warnings: [{ pointer: "/dueDate" }] } });
    expect(long.body.warnings).toEqual([expect.objectContaining({ detail: expect.stringMatching(/90 jours/) })]);
  });

  it("accepts a consumer invoice more than two years past due with a time-barred warning (L218-2)", async () => {
    const debtor = { externalRef: "API-PRESC", name: "Jeanne Martin", kind: "consumer" };
    const old = await read(
      (await invoicesRoute.action(
        args(post("/api/v1/invoices", { number: "API-PRESC-1", debtorRef: "API-PRESC", debtor, amountCents: 9900, issueDate: "2024-10-01", dueDate: "2024-11-19" })),
      )) as Response,
    );
    expect(old).toMatchObject({ status: 201, body: { result: "created", warnings: [{ pointer: "/dueDate" }] } });
    expect(old.body.warnings).toEqual([expect.objectContaining({ detail: expect.stringMatching(/Créance prescrite/) })]);
    const lastDay = await read(
      (await invoicesRoute.action(
        args(post("/api/v1/invoices", { number: "API-PRESC-2", debtorRef: "API-PRESC", debtor, amountCents: 9900, issueDate: "2024-10-01", dueDate: "2024-11-20" })),
      )) as Response,
    );
    expect(lastDay).toMatchObject({ status: 201, body: { warnings: [] } });
  });

  it("upserts an invoice with its debtor in one call", async () => {
    const response = await read(
      (await invoicesRoute.action(
        args(
          post("/api/v1/invoices", {
            number: "API-F3",
            debtorRef: "API-C2",
            debtor: { externalRef: "API-C2", name: "Ébénisterie Blanc", kind: "consumer" },
            amountCents: 9900,
            issueDate: "2026-11-01",
            dueDate: "2026-12-01",
          }),
        ),
      )) as Response,
    );
    expect(response).toMatchObject({ status: 201, body: { result: "created" } });
    expect(first(await getDb().select().from(debtors).where(eq(debtors.externalRef, "API-C2")))).toMatchObject({ kind: "consumer", creditorId });
  });

  it("refuses invalid records with 422 and one error per field, as JSON pointers", async () => {
    const response = await read(
      (await invoicesRoute.action(args(post("/api/v1/invoices", { ...INVOICE, number: "API-F9", amountCents: 0, issueDate: "1999-12-31" })))) as Response,
    );
    expect(response.status).toBe(422);
    expect(response.type).toBe("application/problem+json");
    expect(response.body.errors!.map((e) => e.pointer).sort()).toEqual(["/amountCents", "/issueDate"]);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "API-F9")))).toBeUndefined();
  });

  it("batches: each item is accepted or refused on its own", async () => {
    const response = await read(
      (await invoicesBatch.action(
        args(
          post("/api/v1/invoices/batch", {
            items: [
              { ...INVOICE, number: "API-B1" },
              { ...INVOICE, number: "API-B2", amountCents: -5 },
              { ...INVOICE, number: "API-B3", debtorRef: "NOBODY" },
            ],
          }),
        ),
      )) as Response,
    );
    expect(response.status).toBe(200);
    expect(response.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, refused: 2 });
    const items = response.body.items as { index: number; result?: string; errors: { pointer: string; detail: string }[] }[];
    expect(items[0]).toMatchObject({ index: 0, result: "created" });
    expect(items[1]!.errors[0]).toMatchObject({ pointer: "/items/1/amountCents" });
    expect(items[2]!.errors[0]!.detail).toMatch(/Client inconnu/);
    const debtorsResponse = await read(
      (await debtorsBatch.action(args(post("/api/v1/debtors/batch", { items: [DEBTOR, { externalRef: "API-C3", name: "Nouveau" }] })))) as Response,
    );
    expect(debtorsResponse.body.counts).toEqual({ created: 1, updated: 0, unchanged: 1, refused: 0 });
  });

  it("answers 415 for a body that is not JSON, 400 for broken JSON, 413 for a huge body", async () => {
    const notJson = new Request(`${BASE}/api/v1/debtors`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "text/plain" }, body: "x" });
    expect((await read((await debtorsRoute.action(args(notJson))) as Response)).status).toBe(415);
    expect((await read((await debtorsRoute.action(args(post("/api/v1/debtors", "{nope")))) as Response)).status).toBe(400);
    const huge = await read((await debtorsRoute.action(args(post("/api/v1/debtors", JSON.stringify({ ...DEBTOR, name: "x".repeat(2 * 1024 * 1024) }))))) as Response);
    expect(huge).toMatchObject({ status: 413, type: "application/problem+json", body: { title: "Content Too Large" } });
  });
});

describe("scoping to the key's creditor", () => {
  it("answers 404 for another creditor's references, never 403", async () => {
    const invoice = (await invoiceRoute.loader(args(get("/api/v1/invoices/API-F1", otherKey), { ref: "API-F1" }))) as Response;
    expect(invoice.status).toBe(404);
    const debtor = (await debtorRoute.loader(args(get("/api/v1/debtors/API-C1", otherKey), { ref: "API-C1" }))) as Response;
    expect(debtor.status).toBe(404);
    const pay = (await paymentsRoute.action(
      args(post("/api/v1/invoices/API-F1/payments", { amountCents: 100, receivedOn: "2026-11-19", reference: "VIR-X" }, otherKey), { ref: "API-F1" }),
    )) as Response;
    expect(pay.status).toBe(404);
  });

  it("does not attach an invoice to another creditor's debtor: the same ref is a different debtor", async () => {
    const response = await read((await invoicesRoute.action(args(post("/api/v1/invoices", { ...INVOICE, number: "O-1" }, otherKey)))) as Response);
    expect(response.status).toBe(422);
    expect(response.body.errors![0]!.detail).toMatch(/Client inconnu/);
  });
});

describe("recording payments", () => {
  it("records once per Idempotency-Key, through the payment-recording path", async () => {
    const request = () =>
      post("/api/v1/invoices/API-F1/payments", { amountCents: 100000, receivedOn: "2026-11-19", method: "transfer" }, key, { "Idempotency-Key": "erp-pay-000001" });
    const initial = await read((await paymentsRoute.action(args(request(), { ref: "API-F1" }))) as Response);
    expect(initial).toMatchObject({ status: 201, body: { recorded: true, invoice: { balanceCents: 150000, status: "open" } } });
    const again = await read((await paymentsRoute.action(args(request(), { ref: "API-F1" }))) as Response);
    expect(again).toMatchObject({ status: 200, body: { recorded: false, invoice: { balanceCents: 150000 } } });
    const invoice = first(await getDb().select().from(invoices).where(eq(invoices.number, "API-F1")))!;
    expect(await getDb().select().from(payments).where(eq(payments.invoiceId, invoice.id))).toHaveLength(1);
    expect(
      await getDb()
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.invoiceId, invoice.id), eq(timelineEvents.type, "payment.recorded"))),
    ).toHaveLength(1);
  });

  it("uses the reference as the key without the header, and asks for one of them", async () => {
    const body = { amountCents: 50000, receivedOn: "2026-11-19", reference: "VIR-2026-77" };
    expect((await read((await paymentsRoute.action(args(post("/api/v1/invoices/API-F1/payments", body), { ref: "API-F1" }))) as Response)).status).toBe(201);
    expect((await read((await paymentsRoute.action(args(post("/api/v1/invoices/API-F1/payments", body), { ref: "API-F1" }))) as Response)).body.recorded).toBe(false);
    const neither = await read(
      (await paymentsRoute.action(args(post("/api/v1/invoices/API-F1/payments", { amountCents: 1, receivedOn: "2026-11-19" }), { ref: "API-F1" }))) as Response,
    );
    expect(neither).toMatchObject({ status: 422, body: { errors: [{ pointer: "/reference" }] } });
  });

  it("refuses more than the balance and a date in the future", async () => {
    const over = await read(
      (await paymentsRoute.action(
        args(post("/api/v1/invoices/API-F1/payments", { amountCents: 999999, receivedOn: "2026-11-19", reference: "R-OVER" }), { ref: "API-F1" }),
      )) as Response,
    );
    expect(over).toMatchObject({ status: 422, body: { errors: [{ pointer: "/amountCents" }] } });
    const future = await read(
      (await paymentsRoute.action(args(post("/api/v1/invoices/API-F1/payments", { amountCents: 1, receivedOn: "2026-11-21", reference: "R-FUT" }), { ref: "API-F1" }))) as Response,
    );
    expect(future).toMatchObject({ status: 422, body: { errors: [{ pointer: "/receivedOn" }] } });
  });

  it("refuses a new amount once a payment exists, with a clear error", async () => {
    const response = await read((await invoicesRoute.action(args(post("/api/v1/invoices", { ...INVOICE, amountCents: 300000 })))) as Response);
    expect(response).toMatchObject({ status: 422, body: { errors: [{ pointer: "/amountCents" }] } });
    expect(response.body.detail).toMatch(/paiement a déjà été enregistré/);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.number, "API-F1")))!.amountCents).toBe(250000);
  });
});

describe("reading status", () => {
  it("gives an invoice's balance, payments, holds and last contact", async () => {
    const response = await read((await invoiceRoute.loader(args(get("/api/v1/invoices/API-F1"), { ref: "API-F1" }))) as Response);
    expect(response).toMatchObject({
      status: 200,
      body: {
        externalRef: "API-F1",
        number: "API-F1",
        debtorRef: "API-C1",
        amountCents: 250000,
        balanceCents: 100000,
        dueDate: "2026-11-14",
        status: "open",
        holds: [],
        lastContact: null,
        termsWarning: null,
      },
    });
    expect(response.body.payments).toHaveLength(2);
    const flagged = await read((await invoiceRoute.loader(args(get("/api/v1/invoices/API-F2"), { ref: "API-F2" }))) as Response);
    expect(flagged.body.termsWarning).toMatch(/90 jours/);
  });

  it("gives a debtor's balance over open invoices", async () => {
    const response = await read((await debtorRoute.loader(args(get("/api/v1/debtors/API-C1"), { ref: "API-C1" }))) as Response);
    expect(response).toMatchObject({ status: 200, body: { externalRef: "API-C1", balanceCents: 100000 + 250000 + 250000, openInvoices: 3, escalated: false, holds: [] } });
  });
});

describe("the OpenAPI document", () => {
  const routeFiles = readdirSync("app/routes").filter((f) => f.startsWith("api.v1."));
  /** app/routes/api.v1.invoices_.$ref_.payments.ts → /api/v1/invoices/{ref}/payments */
  const pathOf = (file: string) =>
    "/" +
    file
      .replace(/\.tsx?$/, "")
      .replace(/\[\.\]/g, "~dot~")
      .split(".")
      .map((segment) => segment.replace(/_$/, "").replace(/^\$(.+)$/, "{$1}"))
      .join("/")
      .replace(/~dot~/g, ".");

  it("describes every implemented route and method, and nothing else", async () => {
    const doc = (await (openapiRoute.loader() as Response).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const implemented: string[] = [];
    for (const file of routeFiles) {
      const module = (await import(`../../app/routes/${file}`)) as { loader?: unknown; action?: unknown };
      if (module.loader) implemented.push(`get ${pathOf(file)}`);
      if (module.action) implemented.push(`post ${pathOf(file)}`);
    }
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(implemented.sort());
  });

  it("generates its schemas from the zod schemas the routes use, and every $ref resolves", async () => {
    const doc = (await (openapiRoute.loader() as Response).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }> };
    };
    expect(doc.components.schemas.InvoiceInput!.additionalProperties).toBe(false);
    expect(Object.keys(doc.components.schemas.PaymentInput!.properties!)).toEqual(["amountCents", "receivedOn", "method", "reference"]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const id of refs) expect(doc.components.schemas[id], id).toBeDefined();
  });
});
