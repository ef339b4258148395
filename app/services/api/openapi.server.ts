import { z } from "zod";
import { getEnv } from "../../env.server";
import "./api.server";

/**
 * The OpenAPI 3.1 description of `/api/v1`, generated from the very zod schemas the routes check
 * requests with (every schema carrying a `meta({ id })` becomes a component). A test compares
 * these paths with the route files, both ways.
 */
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const body = (id: string) => ({ required: true, content: { "application/json": { schema: ref(id) } } });
const answer = (description: string, id: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const problemAnswer = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      problemAnswer(
        {
          400: "Malformed JSON",
          401: "Missing, unknown or revoked API key",
          404: "No such reference for this key's creditor",
          409: "The invoice is closed",
          413: "Body too large",
          415: "Body is not JSON",
          422: "Validation failed: see `errors`, one per field (JSON pointer)",
        }[s] ?? "Error",
      ),
    ]),
  );
const refParam = (description: string) => [{ name: "ref", in: "path", required: true, description, schema: { type: "string", maxLength: 64 } }];

export const API_PATHS = {
  "/api/v1/debtors": {
    post: {
      operationId: "upsertDebtor",
      summary: "Create or update a debtor by its externalRef (idempotent: the same data again answers unchanged)",
      requestBody: body("DebtorInput"),
      responses: { "201": answer("Created", "UpsertResult"), "200": answer("Updated or unchanged", "UpsertResult"), ...problems(400, 401, 413, 415, 422) },
    },
  },
  "/api/v1/debtors/batch": {
    post: {
      operationId: "upsertDebtors",
      summary: "Up to 500 debtors in one transaction; each item is accepted or refused on its own",
      requestBody: body("DebtorBatchInput"),
      responses: { "200": answer("One result per item", "BatchResult"), ...problems(400, 401, 413, 415, 422) },
    },
  },
  "/api/v1/debtors/{ref}": {
    get: {
      operationId: "getDebtor",
      summary: "A debtor's balance, invoices, what holds the cadence and the last contact",
      parameters: refParam("The debtor's externalRef"),
      responses: { "200": answer("The debtor", "DebtorStatus"), ...problems(401, 404) },
    },
  },
  "/api/v1/invoices": {
    post: {
      operationId: "upsertInvoice",
      summary: "Create or update an invoice by its externalRef; the amount cannot change once a payment is recorded",
      requestBody: body("InvoiceInput"),
      responses: { "201": answer("Created", "UpsertResult"), "200": answer("Updated or unchanged", "UpsertResult"), ...problems(400, 401, 413, 415, 422) },
    },
  },
  "/api/v1/invoices/batch": {
    post: {
      operationId: "upsertInvoices",
      summary: "Up to 500 invoices in one transaction; each item is accepted or refused on its own",
      requestBody: body("InvoiceBatchInput"),
      responses: { "200": answer("One result per item", "BatchResult"), ...problems(400, 401, 413, 415, 422) },
    },
  },
  "/api/v1/invoices/{ref}": {
    get: {
      operationId: "getInvoice",
      summary: "An invoice's balance, status, payments, holds and last contact",
      parameters: refParam("The invoice's externalRef (its number unless given)"),
      responses: { "200": answer("The invoice", "InvoiceStatus"), ...problems(401, 404) },
    },
  },
  "/api/v1/invoices/{ref}/payments": {
    post: {
      operationId: "recordPayment",
      summary: "Record money received on an invoice, once per Idempotency-Key (or reference)",
      parameters: [
        ...refParam("The invoice's externalRef"),
        { name: "Idempotency-Key", in: "header", required: false, description: "8 to 255 visible ASCII characters; without it, the body's reference is the key", schema: { type: "string", minLength: 8, maxLength: 255 } },
      ],
      requestBody: body("PaymentInput"),
      responses: {
        "201": answer("Recorded", "PaymentResult"),
        "200": answer("Recorded before under this key: nothing changed", "PaymentResult"),
        ...problems(400, 401, 404, 409, 413, 415, 422),
      },
    },
  },
  "/api/v1/openapi.json": {
    get: { operationId: "openApi", summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } } },
  },
} as const;

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached) return cached;
  const { schemas } = z.toJSONSchema(z.globalRegistry, { uri: (id) => `#/components/schemas/${id}`, io: "input" });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Relance API",
      version: "1.0.0",
      description:
        "Push debtors and invoices from your invoicing software (upserts by your own references, the same checks as the CSV import), record payments, read balances and what holds the cadence. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: getEnv().PUBLIC_BASE_URL }],
    security: [{ bearer: [] }],
    paths: API_PATHS,
    components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key created at /backoffice/api-keys (rlk_…)" } } },
  };
  return cached;
}
