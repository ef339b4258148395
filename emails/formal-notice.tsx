import { Text } from "@react-email/components";
import { common } from "./copy";
import { date } from "./format";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening, previousContacts } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string) => `${creditor} : mise en demeure de payer`,
  letter:
    "Une mise en demeure de payer vous est adressée par lettre recommandée avec accusé de réception ; elle vous parviendra dans les prochains jours. Ce message vous en informe et vous permet de régulariser la situation dès maintenant.",
  lastDeadline: (creditor: string, deadline: string | null) =>
    `Faute de règlement intégral ${deadline ? `au plus tard le ${deadline}` : "sans délai"}, le dossier sera transmis au contentieux et ${creditor} pourra engager, sans nouvel avis, une procédure judiciaire de recouvrement (notamment une injonction de payer).`,
  legalInterest:
    "Cette mise en demeure fait courir les intérêts au taux légal sur les sommes dues (article 1344-1 du Code civil).",
  amicable:
    "Il est encore temps de régler ce dossier à l'amiable : vous pouvez payer en ligne ou, si vous rencontrez une difficulté, nous le dire dès maintenant par le même lien.",
  cta: "Régler maintenant",
};

const en: typeof fr = {
  subject: (creditor) => `${creditor}: formal notice to pay`,
  letter:
    "A formal notice to pay (mise en demeure) is being sent to you by registered letter with acknowledgement of receipt and will reach you in the next few days. This email lets you know, and lets you settle the matter right away.",
  lastDeadline: (creditor, deadline) =>
    `If you do not pay in full ${deadline ? `by ${deadline}` : "without delay"}, the matter will be handed over for legal recovery and ${creditor} may take court action to recover the debt (such as an order for payment) without further notice.`,
  legalInterest:
    "This formal notice causes interest at the statutory rate to run on the sums due (Article 1344-1 of the French Civil Code).",
  amicable:
    "There is still time to settle this amicably: you can pay online or, if you are facing a difficulty, tell us straight away through the same link.",
  cta: "Pay now",
};

const copy = { fr, en };

export function formalNoticeSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName);
}

/**
 * D+30, goes with the registered letter: the legal consequences and the last deadline before
 * litigation. A business sees its L441-10 sums; a consumer owes only statutory interest, which
 * the notice itself starts (L8).
 */
export function FormalNoticeEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const unpaid = common[props.locale].unpaid(props.invoices.length, previousContacts(props));
  return (
    <EmailLayout email={props} preview={t.letter}>
      <Opening email={props}>
        <Text>{unpaid}</Text>
      </Opening>
      <InvoiceTable email={props} mode="overdue" penalties />
      <Text>{t.letter}</Text>
      <Text>
        <strong>{t.lastDeadline(props.creditorName, props.deadline && date(props.locale, props.deadline))}</strong>
      </Text>
      {props.debtorKind === "consumer" && <Text>{t.legalInterest}</Text>}
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.amicable}</Text>
    </EmailLayout>
  );
}
