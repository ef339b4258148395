import { Button, Link, Section, Text } from "@react-email/components";
import { Fragment, type ReactNode } from "react";
import { common } from "./copy";
import { date, list, money, totals } from "./format";
import type { EmailInvoice, ReminderEmailProps } from "./props";

const button = { backgroundColor: "#1d4ed8", color: "#ffffff", padding: "12px 20px", borderRadius: "6px" };
const cell = { padding: "8px 12px 8px 0", fontSize: "14px", verticalAlign: "top" };
const amountCell = { ...cell, padding: "8px 0", textAlign: "right" as const, whiteSpace: "nowrap" as const };
const totalCell = { ...cell, fontWeight: "bold" };
const ruled = { borderTop: "1px solid #e4e4e7" };
const muted = { fontSize: "13px", color: "#52525b" };
const penaltyCell = { padding: "0 0 8px 12px", fontSize: "12px", color: "#52525b" };
const small = { fontSize: "12px", lineHeight: "18px", color: "#52525b" };

export function LinkButton(props: { href: string; children: string }) {
  return (
    <Section style={{ margin: "24px 0" }}>
      <Button href={props.href} style={button}>
        {props.children}
      </Button>
    </Section>
  );
}

/** L441-10 penalties exist only between professionals (L8): a consumer never sees them. */
function penaltiesShown(email: ReminderEmailProps): boolean {
  return (
    email.debtorKind === "business" &&
    email.invoices.some((invoice) => invoice.interestCents > 0 || invoice.indemnityCents > 0 || Boolean(invoice.interestUnpublishedFrom))
  );
}

/** The formatted sum of one amount field over some invoices, per currency. */
function sumOf(
  email: ReminderEmailProps,
  invoices: EmailInvoice[],
  field: "amountCents" | "interestCents" | "indemnityCents",
) {
  return totals(
    email.locale,
    invoices.map((invoice) => ({ cents: invoice[field], currency: invoice.currency })),
  );
}

function penaltyLines(email: ReminderEmailProps, invoice: EmailInvoice): string[] {
  const t = common[email.locale];
  const lines: string[] = [];
  if (invoice.interestCents > 0) lines.push(t.interest(money(email.locale, invoice.interestCents, invoice.currency)));
  if (invoice.interestUnpublishedFrom) lines.push(t.interestUnpublished(date(email.locale, invoice.interestUnpublishedFrom)));
  if (invoice.indemnityCents > 0)
    lines.push(t.indemnity(money(email.locale, invoice.indemnityCents, invoice.currency)));
  return lines;
}

/**
 * Each invoice with its number, amount and due date; "overdue" adds the days late, "settled"
 * marks it paid. With `penalties`, a business debtor also sees each invoice's L441-10 sums,
 * listed apart from the amount to pay, which never includes them. Two columns, so that it
 * still reads on a 360 px phone.
 */
export function InvoiceTable(props: {
  email: ReminderEmailProps;
  mode: "due" | "overdue" | "settled";
  penalties?: boolean;
}) {
  const { email, mode } = props;
  const t = common[email.locale];
  const withPenalties = props.penalties === true && penaltiesShown(email);
  const details = (invoice: EmailInvoice) => {
    const due = t.due(date(email.locale, invoice.dueDate));
    if (mode === "settled") return `${due} · ${t.settled}`;
    if (mode === "overdue" && invoice.daysOverdue > 0) return `${due} · ${t.overdue(invoice.daysOverdue)}`;
    return due;
  };
  if (email.invoices.length === 0) return null;
  return (
    <Section style={{ margin: "16px 0" }}>
      <table width="100%" cellPadding={0} cellSpacing={0} role="presentation">
        <tbody>
          {email.invoices.map((invoice, index) => {
            const lines = withPenalties ? penaltyLines(email, invoice) : [];
            return (
              <Fragment key={`${index}-${invoice.number}`}>
                <tr>
                  <td className="invoice" style={cell}>
                    <strong style={{ whiteSpace: "nowrap" }}>{t.invoice(invoice.number)}</strong>
                    <div style={muted}>{details(invoice)}</div>
                  </td>
                  <td style={amountCell}>{money(email.locale, invoice.amountCents, invoice.currency)}</td>
                </tr>
                {lines.length > 0 && (
                  <tr>
                    <td colSpan={2} style={penaltyCell}>
                      {lines.map((line) => (
                        <div key={line}>{line}</div>
                      ))}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
          {email.invoices.length > 1 && (
            <tr>
              <td className="invoice" style={{ ...totalCell, ...ruled }}>
                {mode === "settled" ? t.totalSettled : t.total}
              </td>
              <td style={{ ...totalCell, ...amountCell, ...ruled }}>{sumOf(email, email.invoices, "amountCents")}</td>
            </tr>
          )}
        </tbody>
      </table>
      {withPenalties && <Text style={small}>{t.penaltiesLaw}</Text>}
    </Section>
  );
}

/** In the plain-text part, a blank line before each invoice (and the total) keeps them apart. */
export const plainTextSelectors = [
  { selector: "td.invoice", format: "block", options: { leadingLineBreaks: 2, trailingLineBreaks: 1 } },
];

/** The first reminder mentions the L441-10 sums in one sentence instead of per invoice. */
export function PenaltySummary(props: { email: ReminderEmailProps }) {
  const { email } = props;
  if (!penaltiesShown(email)) return null;
  const t = common[email.locale];
  const withInterest = email.invoices.filter((invoice) => invoice.interestCents > 0);
  const withIndemnity = email.invoices.filter((invoice) => invoice.indemnityCents > 0);
  const parts: string[] = [];
  if (withInterest.length > 0) parts.push(t.interestPart(sumOf(email, withInterest, "interestCents")));
  if (withIndemnity.length > 0) {
    parts.push(t.indemnityPart(sumOf(email, withIndemnity, "indemnityCents"), withIndemnity.length));
  }
  return <Text style={small}>{t.penaltiesSummary(list(email.locale, parts))}</Text>;
}

/** "notre e-mail du 5 novembre 2026 et notre SMS du 15 novembre 2026", or null when there were none. */
export function previousContacts(email: ReminderEmailProps): string | null {
  if (email.previousContacts.length === 0) return null;
  const t = common[email.locale];
  return list(
    email.locale,
    email.previousContacts.map((contact) => t.contact[contact.channel](date(email.locale, contact.date))),
  );
}

/** Who sends this and on whose behalf; the GDPR art. 14 notice on a debtor's first message (L11). */
export function Footer(props: { email: ReminderEmailProps; withLink: boolean }) {
  const { email } = props;
  const t = common[email.locale];
  return (
    <Section>
      <Text style={small}>
        {t.sentBy(email.creditorName, email.creditorEmail)}
        {props.withLink && ` ${t.personalLink}`}
      </Text>
      <Text style={small}>
        {email.includePrivacyNotice && `${t.privacyNotice(email.creditorName)} `}
        <Link href={email.privacyUrl}>{t.privacyLink}</Link>
      </Text>
    </Section>
  );
}

/**
 * The opening of a message: the template's own paragraphs, or the creditor's when it wrote some.
 * Everything after it (invoice lines, penalties, the link, legal mentions) is the template's.
 */
export function Opening(props: { email: ReminderEmailProps; children: ReactNode }) {
  const override = props.email.override;
  if (!override || override.opening.length === 0) return <>{props.children}</>;
  return (
    <>
      {override.opening.map((paragraph, index) => (
        <Text key={index}>{paragraph}</Text>
      ))}
    </>
  );
}
