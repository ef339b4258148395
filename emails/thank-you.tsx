import { Text } from "@react-email/components";
import { EmailLayout } from "./layout";
import { InvoiceTable, Opening } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string) => `${creditor} : merci pour votre règlement`,
  thanks: (count: number): string =>
    count === 1
      ? "Merci beaucoup : nous avons bien reçu votre règlement pour la facture ci-dessous."
      : "Merci beaucoup : nous avons bien reçu votre règlement pour les factures ci-dessous.",
  done: (count: number): string =>
    count === 1
      ? "Elle est désormais soldée et vous ne recevrez plus de rappel à son sujet."
      : "Elles sont désormais soldées et vous ne recevrez plus de rappel à leur sujet.",
  closing: "Merci pour votre confiance, et à bientôt.",
};

const en: typeof fr = {
  subject: (creditor) => `${creditor}: thank you for your payment`,
  thanks: (count) =>
    count === 1
      ? "Thank you very much: we have received your payment for the invoice below."
      : "Thank you very much: we have received your payment for the invoices below.",
  done: (count) =>
    count === 1
      ? "It is now settled, and you will receive no further reminders about it."
      : "They are now settled, and you will receive no further reminders about them.",
  closing: "Thank you for your custom; we look forward to working with you again.",
};

const copy = { fr, en };

export function thankYouSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName);
}

/** After a payment in full: warm, and nothing left to click. */
export function ThankYouEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const thanks = t.thanks(props.invoices.length);
  return (
    <EmailLayout email={props} preview={thanks} withLink={false}>
      <Opening email={props}>
        <Text>{thanks}</Text>
      </Opening>
      <InvoiceTable email={props} mode="settled" />
      <Text>{t.done(props.invoices.length)}</Text>
      <Text>{t.closing}</Text>
    </EmailLayout>
  );
}
