/** Why a debtor disputes an invoice (DESIGN.md, the portal). */
export const DISPUTE_REASONS = ["amount", "not_received", "quality", "already_paid", "missing_po", "other"] as const;
/** How a debtor says they paid, for an "already paid" claim. */
export const CLAIM_METHODS = ["transfer", "card", "cheque", "cash", "other"] as const;
