import { z } from "zod";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { localDate } from "../../domain/dates";
import { MAX_AMOUNT_CENTS, type Issue, type RawDebtor, type RawInvoice } from "../../domain/intake";
import {
  creditorTimeZone,
  findApiPayment,
  findDebtorByRef,
  findInvoiceByRef,
  holdsOfDebtor,
  invoicesOfDebtor,
  lastContactOf,
  paymentsOfInvoice,
} from "../../models/api-status.server";
import { authenticateApiKey } from "../backoffice/api-keys.server";
import { problem, readLimitedBytes } from "../http/http.server";
import { intake, type IntakeRow, type RowOutcome } from "../shared/intake.server";
import { recordInvoicePayment } from "../shared/payment-recording.server";
import { transaction } from "../../../db/client";

/**
 * The JSON API (`/api/v1`): one key, one creditor. Requests are checked by zod (unknown fields are
 * refused: nothing like `creditorId` or `balanceCents` can be assigned), records go through the same
 * intake path as the CSV import, payments through the one payment-recording path. Errors are RFC 9457
 * problem details.
 */

export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_BATCH_JSON_BYTES = 5 * 1024 * 1024;
export const MAX_BATCH_ITEMS = 500;

const text = (max: number) => z.string().max(max);
const ref = text(64).describe("Your reference: the key of the upsert, unique per creditor.");

export const DebtorInput = z
  .strictObject({
    externalRef: ref,
    name: text(200),
    kind: z.enum(["business", "consumer"]).optional().describe("consumer: no L441-10 penalties nor 40 € indemnity"),
    email: text(254).optional(),
    phone: text(40).optional().describe("E.164 or French national format"),
    siren: text(20).optional(),
    addressLine: text(300).optional(),
    postalCode: text(10).optional(),
    city: text(100).optional(),
    country: text(2).optional().describe("ISO 3166-1 alpha-2, FR by default"),
    locale: z.enum(["fr", "en"]).optional(),
    timeZone: text(64).optional().describe("IANA zone, Europe/Paris by default"),
    segment: z.enum(["standard", "high_risk", "good_payer"]).optional(),
  })
  .meta({ id: "DebtorInput" });

export const InvoiceInput = z
  .strictObject({
    externalRef: ref.optional().describe("Defaults to the invoice number."),
    number: text(64),
    debtorRef: ref.describe("The debtor's externalRef: pushed before, or in `debtor`."),
    debtor: DebtorInput.optional().describe("The debtor, upserted with the invoice."),
    amountCents: z.int().describe("Total including tax, in cents; more than 0, at most 1,000,000,000."),
    currency: z.literal("EUR").optional(),
    issueDate: z.iso.date(),
    dueDate: z.iso.date().optional().describe("Or paymentTermsDays / terms."),
    paymentTermsDays: z.int().min(0).max(365).optional(),
    terms: text(100).optional().describe('Stated terms, such as "45 jours fin de mois" (the other legal limit then applies).'),
  })
  .meta({ id: "InvoiceInput" });

export const PaymentInput = z
  .strictObject({
    amountCents: z.int().min(1).max(MAX_AMOUNT_CENTS),
    receivedOn: z.iso.date(),
    method: z.enum(["transfer", "cheque", "cash", "card", "other"]).default("transfer"),
    reference: text(100).optional().describe("Bank reference; the idempotency key when there is no Idempotency-Key header."),
  })
  .meta({ id: "PaymentInput" });

export const batchOf = <T extends z.ZodType>(item: T, id: string) => z.strictObject({ items: z.array(item).min(1).max(MAX_BATCH_ITEMS) }).meta({ id });
export const DebtorBatchInput = batchOf(DebtorInput, "DebtorBatchInput");
export const InvoiceBatchInput = batchOf(InvoiceInput, "InvoiceBatchInput");

const Action = z.enum(["created", "updated", "unchanged"]);
const FieldError = z.object({ pointer: z.string().describe("JSON pointer into the request body"), detail: z.string() }).meta({ id: "FieldError" });
export const UpsertResult = z.object({ result: Action, externalRef: z.string(), warnings: z.array(FieldError) }).meta({ id: "UpsertResult" });
export const BatchResult = z
  .object({
    items: z.array(z.object({ index: z.int(), result: Action.optional(), externalRef: z.string().optional(), errors: z.array(FieldError), warnings: z.array(FieldError) })),
    counts: z.object({ created: z.int(), updated: z.int(), unchanged: z.int(), refused: z.int() }),
  })
  .meta({ id: "BatchResult" });
const Hold = z.object({ reason: z.string(), invoiceRef: z.string().nullable(), until: z.string().nullable() }).meta({ id: "Hold" });
const LastContact = z.object({ channel: z.string(), step: z.string(), at: z.iso.datetime() }).nullable().meta({ id: "LastContact" });
export const InvoiceStatus = z
  .object({
    externalRef: z.string(),
    number: z.string(),
    debtorRef: z.string().nullable(),
    amountCents: z.int(),
    balanceCents: z.int(),
    currency: z.string(),
    issueDate: z.iso.date(),
    dueDate: z.iso.date(),
    status: z.enum(["open", "paid", "cancelled", "litigation"]),
    termsWarning: z.string().nullable(),
    holds: z.array(Hold),
    lastContact: LastContact,
    payments: z.array(z.object({ amountCents: z.int(), currency: z.string(), method: z.string(), kind: z.string(), receivedAt: z.iso.datetime() })),
  })
  .meta({ id: "InvoiceStatus" });
export const DebtorStatus = z
  .object({
    externalRef: z.string(),
    name: z.string(),
    kind: z.enum(["business", "consumer"]),
    balanceCents: z.int().describe("What is still owed on open invoices and those in litigation."),
    openInvoices: z.int(),
    escalated: z.boolean().describe("True once the cadence has handed the debtor to litigation: no more automatic contact."),
    holds: z.array(Hold),
    lastContact: LastContact,
    invoices: z.array(z.object({ externalRef: z.string().nullable(), number: z.string(), balanceCents: z.int(), dueDate: z.iso.date(), status: z.string() })),
  })
  .meta({ id: "DebtorStatus" });
export const PaymentResult = z
  .object({ recorded: z.boolean().describe("false: this payment was recorded before (a replay); nothing changed."), invoice: InvoiceStatus })
  .meta({ id: "PaymentResult" });
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: "Problem" });

// ---------------------------------------------------------------------------------------------

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });

type Context = { creditorId: number; at: Date; today: string };

/** Authentication, then the handler; an expected failure is thrown as a problem Response. */
async function withKey(db: Db, request: Request, handler: (ctx: Context) => Promise<Response> | Response): Promise<Response> {
  const at = now();
  const key = await authenticateApiKey(db, request, at);
  if (!key)
    return problem(401, "A valid API key is required: Authorization: Bearer rlk_… (missing, unknown or revoked).", undefined, {
      headers: { "WWW-Authenticate": 'Bearer realm="relance"' },
    });
  try {
    return await handler({ creditorId: key.creditorId, at, today: localDate(at, await creditorTimeZone(db, key.creditorId)) });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function readJson<T extends z.ZodType>(request: Request, schema: T, maxBytes: number): Promise<z.output<T>> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[\w.-]+\+json$/.test(type)) throw problem(415, "Send the body as JSON (Content-Type: application/json).");
  const bytes = await readLimitedBytes(request, maxBytes, () => problem(413, `The body is larger than ${maxBytes / 1024 / 1024} MB; send smaller batches.`));
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw problem(400, "The body is not valid UTF-8 JSON.");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => {
      const base = `/${issue.path.join("/")}`;
      if (issue.code === "unrecognized_keys")
        return issue.keys.map((k) => ({ pointer: `${base === "/" ? "" : base}/${k}`, detail: `Unknown field "${k}": it cannot be set through the API.` }));
      return [{ pointer: base, detail: issue.message }];
    });
    throw problem(422, "The request does not match the schema (see errors).", errors);
  }
  return parsed.data;
}

// Domain field names → where they are in the request body.
const POINTERS: Record<string, string> = { "invoice.amount": "amountCents", "invoice.termsDays": "paymentTermsDays" };
function pointer(prefix: string, field: string, kind: "debtor" | "invoice"): string {
  const [entity, name] = field.split(".") as [string, string];
  const inBody = POINTERS[field] ?? name;
  return kind === "invoice" && entity === "debtor" ? `${prefix}/debtor/${inBody}` : `${prefix}/${inBody}`;
}
const issuesAt = (prefix: string, issues: Issue[], kind: "debtor" | "invoice") => issues.map((i) => ({ pointer: pointer(prefix, i.field, kind), detail: i.message }));

function debtorRow(input: z.output<typeof DebtorInput>, rowNumber: number): IntakeRow {
  return { rowNumber, debtor: input satisfies RawDebtor };
}
function invoiceRow(input: z.output<typeof InvoiceInput>, rowNumber: number): IntakeRow {
  const { debtor, amountCents, paymentTermsDays, ...rest } = input;
  if (debtor && debtor.externalRef !== input.debtorRef)
    throw problem(422, "debtor.externalRef and debtorRef differ.", [{ pointer: `/debtor/externalRef`, detail: "Must equal debtorRef." }]);
  const invoice: RawInvoice = { ...rest, amountCents, termsDays: paymentTermsDays ?? null };
  return { rowNumber, invoice, ...(debtor ? { debtor } : {}) };
}

function single(outcome: RowOutcome, kind: "debtor" | "invoice"): Response {
  if (outcome.errors.length > 0) return problem(422, outcome.errors[0]!.message, issuesAt("", outcome.errors, kind));
  const done = kind === "debtor" ? outcome.debtor! : outcome.invoice!;
  return json({ result: done.action, externalRef: done.externalRef, warnings: issuesAt("", outcome.warnings, kind) }, done.action === "created" ? 201 : 200);
}

function batch(outcomes: RowOutcome[], kind: "debtor" | "invoice"): Response {
  const counts = { created: 0, updated: 0, unchanged: 0, refused: 0 };
  const items = outcomes.map((o) => {
    const done = kind === "debtor" ? o.debtor : o.invoice;
    if (o.errors.length > 0 || !done) counts.refused++;
    else counts[done.action]++;
    return {
      index: o.rowNumber,
      ...(done && o.errors.length === 0 ? { result: done.action, externalRef: done.externalRef } : {}),
      errors: issuesAt(`/items/${o.rowNumber}`, o.errors, kind),
      warnings: issuesAt(`/items/${o.rowNumber}`, o.warnings, kind),
    };
  });
  return json({ items, counts });
}

export const upsertDebtor = (db: Db, request: Request) =>
  withKey(db, request, async (ctx) => single((await intake(db, ctx, [debtorRow(await readJson(request, DebtorInput, MAX_JSON_BYTES), 0)]))[0]!, "debtor"));

export const upsertDebtors = (db: Db, request: Request) =>
  withKey(db, request, async (ctx) => {
    const { items } = await readJson(request, DebtorBatchInput, MAX_BATCH_JSON_BYTES);
    return batch(await intake(db, ctx, items.map(debtorRow)), "debtor");
  });

export const upsertInvoice = (db: Db, request: Request) =>
  withKey(db, request, async (ctx) => single((await intake(db, ctx, [invoiceRow(await readJson(request, InvoiceInput, MAX_JSON_BYTES), 0)]))[0]!, "invoice"));

export const upsertInvoices = (db: Db, request: Request) =>
  withKey(db, request, async (ctx) => {
    const { items } = await readJson(request, InvoiceBatchInput, MAX_BATCH_JSON_BYTES);
    return batch(await intake(db, ctx, items.map(invoiceRow)), "invoice");
  });

const notFound = (what: string) => problem(404, `No ${what} with this reference.`);

async function invoiceStatus(db: Db, ctx: Context, ref: string): Promise<z.output<typeof InvoiceStatus> | null> {
  const found = await findInvoiceByRef(db, ctx.creditorId, ref);
  if (!found) return null;
  const { invoice } = found;
  const invoiceRefs = new Map([[invoice.id, invoice.externalRef]]);
  return {
    externalRef: invoice.externalRef!,
    number: invoice.number,
    debtorRef: found.debtorRef,
    amountCents: invoice.amountCents,
    balanceCents: invoice.balanceCents,
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    status: invoice.status,
    termsWarning: found.termsWarning,
    holds: (await holdsOfDebtor(db, invoice.debtorId, ctx.at))
      .filter((h) => h.invoiceId === null || h.invoiceId === invoice.id)
      .map((h) => ({ reason: h.reason, invoiceRef: h.invoiceId === null ? null : (invoiceRefs.get(h.invoiceId) ?? null), until: h.until })),
    lastContact: await lastContactOf(db, invoice.debtorId, invoice.id),
    payments: (await paymentsOfInvoice(db, invoice.id)).map((p) => ({ ...p, receivedAt: p.receivedAt.toISOString() })),
  };
}

export const getInvoice = (db: Db, request: Request, ref: string) =>
  withKey(db, request, async (ctx) => {
    const status = await invoiceStatus(db, ctx, ref);
    return status ? json(status) : notFound("invoice");
  });

export const getDebtor = (db: Db, request: Request, ref: string) =>
  withKey(db, request, async (ctx) => {
    const debtor = await findDebtorByRef(db, ctx.creditorId, ref);
    if (!debtor) return notFound("debtor");
    const all = await invoicesOfDebtor(db, ctx.creditorId, debtor.id);
    const open = all.filter((i) => i.status === "open" || i.status === "litigation");
    const refs = new Map(all.map((i) => [i.id, i.externalRef]));
    return json({
      externalRef: debtor.externalRef!,
      name: debtor.name,
      kind: debtor.kind,
      balanceCents: open.reduce((sum, i) => sum + i.balanceCents, 0),
      openInvoices: open.length,
      escalated: debtor.escalatedAt !== null,
      holds: (await holdsOfDebtor(db, debtor.id, ctx.at)).map((h) => ({
        reason: h.reason,
        invoiceRef: h.invoiceId === null ? null : (refs.get(h.invoiceId) ?? null),
        until: h.until,
      })),
      lastContact: await lastContactOf(db, debtor.id),
      invoices: all.map((i) => ({ externalRef: i.externalRef, number: i.number, balanceCents: i.balanceCents, dueDate: i.dueDate, status: i.status })),
    } satisfies z.output<typeof DebtorStatus>);
  });

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,255}$/;

/**
 * Records money received on an invoice through the one payment-recording path. The same
 * Idempotency-Key (or, without one, the same reference) on the same invoice records once: a replay
 * answers 200 with `recorded: false`.
 */
export const recordPayment = (db: Db, request: Request, ref: string) =>
  withKey(db, request, async (ctx) => {
    const header = request.headers.get("Idempotency-Key");
    if (header !== null && !IDEMPOTENCY_KEY.test(header))
      return problem(422, "Idempotency-Key must be 8 to 255 visible ASCII characters.", [{ pointer: "/headers/Idempotency-Key", detail: "8 to 255 visible ASCII characters." }]);
    const input = await readJson(request, PaymentInput, MAX_JSON_BYTES);
    const idempotency = header ? `key:${header}` : input.reference ? `ref:${input.reference}` : null;
    if (!idempotency)
      return problem(422, "Send an Idempotency-Key header or the payment's reference, so that a retry records nothing twice.", [
        { pointer: "/reference", detail: "Required without an Idempotency-Key header." },
      ]);
    if (input.receivedOn > ctx.today) return problem(422, "receivedOn is in the future.", [{ pointer: "/receivedOn", detail: "Cannot be after today." }]);
    if (input.receivedOn < "2000-01-01") return problem(422, "receivedOn is before 2000.", [{ pointer: "/receivedOn", detail: "Cannot be before 2000-01-01." }]);
    const found = await findInvoiceByRef(db, ctx.creditorId, ref);
    if (!found) return notFound("invoice");
    const { invoice } = found;
    const outcome = await transaction(db, async (tx) => {
      if (await findApiPayment(tx, invoice.id, idempotency)) return "replay" as const;
      const fresh = (await findInvoiceByRef(tx, ctx.creditorId, ref))!.invoice;
      if (fresh.status !== "open" && fresh.status !== "litigation") return problem(409, `This invoice is ${fresh.status}: no payment can be recorded on it.`);
      if (input.amountCents > fresh.balanceCents)
        return problem(422, `amountCents is more than what is still owed (${fresh.balanceCents} cents).`, [{ pointer: "/amountCents", detail: `At most ${fresh.balanceCents}.` }]);
      await recordInvoicePayment(tx, {
        creditorId: ctx.creditorId,
        debtorId: invoice.debtorId,
        invoiceId: invoice.id,
        amountCents: input.amountCents,
        currency: invoice.currency,
        method: input.method,
        provider: "api",
        providerRef: idempotency,
        actor: "provider",
        data: { source: "api", receivedOn: input.receivedOn, reference: input.reference ?? null },
        at: ctx.at,
      });
      return "recorded" as const;
    });
    if (outcome instanceof Response) return outcome;
    return json({ recorded: outcome === "recorded", invoice: (await invoiceStatus(db, ctx, ref))! } satisfies z.output<typeof PaymentResult>, outcome === "recorded" ? 201 : 200);
  });
