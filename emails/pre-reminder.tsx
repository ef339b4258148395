import { Button, Link, Section, Text, Row, Column } from "@react-email/components";
import { formatMoney } from "../app/domain/money";
import { formatCalendarDate } from "../app/domain/dates";
import { EmailLayout } from "./layout";
import type { ReminderEmailProps } from "./props";

const copy = {
  fr: {
    subject: (creditor: string, count: number) =>
      count === 1
        ? `${creditor} : votre facture arrive bientôt à échéance`
        : `${creditor} : ${count} factures arrivent bientôt à échéance`,
    greeting: (name: string) => `Bonjour ${name},`,
    intro: (creditor: string) =>
      `Petit rappel amical de la part de ${creditor} : les factures ci-dessous arrivent à échéance dans les prochains jours.`,
    invoice: "Facture",
    amount: "Montant",
    due: "Échéance",
    cta: "Voir et régler mes factures",
    help: "Un souci, une question, besoin d'un délai ? Le même lien vous permet de nous le dire en une minute.",
    ignore: "Si le règlement est déjà parti, merci et ne tenez pas compte de ce message.",
    footer: (creditor: string, email: string) =>
      `Message envoyé par Relance pour le compte de ${creditor} (${email}). Ce lien est personnel : ne le transférez pas.`,
    privacy: "Vos données et vos droits",
  },
  en: {
    subject: (creditor: string, count: number) =>
      count === 1 ? `${creditor}: your invoice is due soon` : `${creditor}: ${count} invoices are due soon`,
    greeting: (name: string) => `Hello ${name},`,
    intro: (creditor: string) =>
      `A friendly note from ${creditor}: the invoices below fall due in the next few days.`,
    invoice: "Invoice",
    amount: "Amount",
    due: "Due date",
    cta: "View and pay my invoices",
    help: "A problem, a question, need more time? The same link lets you tell us in a minute.",
    ignore: "If payment is already on its way, thank you, and please disregard this message.",
    footer: (creditor: string, email: string) =>
      `Sent by Relance on behalf of ${creditor} (${email}). This link is personal: please do not forward it.`,
    privacy: "Your data and your rights",
  },
} as const;

const intlLocale = { fr: "fr-FR", en: "en-GB" } as const;
const button = { backgroundColor: "#1d4ed8", color: "#ffffff", padding: "12px 20px", borderRadius: "6px" };

export function PreReminderEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const locale = intlLocale[props.locale];
  return (
    <EmailLayout
      lang={props.locale}
      preview={t.intro(props.creditorName)}
      footer={
        <>
          {t.footer(props.creditorName, props.creditorEmail)} <Link href={props.privacyUrl}>{t.privacy}</Link>
        </>
      }
    >
      <Text>{t.greeting(props.debtorName)}</Text>
      <Text>{t.intro(props.creditorName)}</Text>
      <Section>
        {props.invoices.map((invoice) => (
          <Row key={invoice.number}>
            <Column>
              {t.invoice} {invoice.number}
            </Column>
            <Column>{formatMoney({ cents: invoice.amountCents, currency: invoice.currency }, locale)}</Column>
            <Column>
              {t.due} {formatCalendarDate(invoice.dueDate, locale)}
            </Column>
          </Row>
        ))}
      </Section>
      <Section style={{ margin: "24px 0" }}>
        <Button href={props.linkUrl} style={button}>
          {t.cta}
        </Button>
      </Section>
      <Text>{t.help}</Text>
      <Text>{t.ignore}</Text>
    </EmailLayout>
  );
}

export function preReminderSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName, props.invoices.length);
}
