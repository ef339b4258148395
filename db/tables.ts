import * as sqlite from "./schema";
import * as postgres from "./schema-pg";

/** Which engine this process runs on: PostgreSQL when DATABASE_URL names one, SQLite otherwise. */
export const tablesEngine: "sqlite" | "postgres" = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "") ? "postgres" : "sqlite";

/**
 * The tables every query is written against, once: declared in db/schema for SQLite and generated
 * from it for PostgreSQL (db/schema-pg.ts, same names, columns and types). A drizzle table carries
 * its engine's value mapping (an instant is an integer in SQLite, a timestamptz in PostgreSQL), so
 * the process picks one set when it loads; both share SQLite's TypeScript types.
 */
const tables = (tablesEngine === "postgres" ? postgres : sqlite) as unknown as typeof sqlite;

export const {
  apiKeys,
  cadencePauses,
  cadencePolicies,
  cadenceSteps,
  callTasks,
  checkoutSessions,
  commitmentEvidence,
  contactWindowSettings,
  creditors,
  debtorContacts,
  debtorLinks,
  debtorSessions,
  debtors,
  devOutbox,
  disputeFiles,
  disputes,
  emailBatches,
  importRowIssues,
  importRuns,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoiceTermsFlags,
  invoices,
  letters,
  messageTemplates,
  outboundMessageInvoices,
  outboundMessages,
  paymentClaims,
  payments,
  promises,
  publishedRates,
  rateLimits,
  refusedWebhooks,
  staffAuditEvents,
  staffCodes,
  staffSessions,
  staffUsers,
  stepUpCodes,
  timelineEvents,
  webhookEvents,
} = tables;
export { messageChannels } from "./schema";
