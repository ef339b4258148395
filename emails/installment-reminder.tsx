import { Text } from "@react-email/components";
import { date, debtCurrency, money, required } from "./format";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string, position: number, count: number, due: string) =>
    `${creditor} : échéance ${position}/${count} de votre plan de paiement le ${due}`,
  coming: (position: number, count: number, amount: string, due: string) =>
    `Petit rappel concernant le plan de paiement convenu ensemble : l'échéance ${position} sur ${count}, d'un montant de ${amount}, est à régler le ${due}.`,
  last: "C'est la dernière échéance de votre plan.",
  covered: "Factures couvertes par ce plan :",
  pay: "Le bouton ci-dessous vous permet de la régler par carte et de suivre votre échéancier.",
  cta: "Voir et régler mon échéance",
  help: "Un imprévu ? Dites-le-nous par le même lien avant l'échéance : nous chercherons une solution ensemble.",
};

const en: typeof fr = {
  subject: (creditor, position, count, due) =>
    `${creditor}: instalment ${position}/${count} of your payment plan due on ${due}`,
  coming: (position, count, amount, due) =>
    `A quick reminder about the payment plan we agreed: instalment ${position} of ${count}, for ${amount}, is due on ${due}.`,
  last: "This is the last instalment of your plan.",
  covered: "Invoices covered by the plan:",
  pay: "The button below lets you pay it by card and keep track of your plan.",
  cta: "View and pay my instalment",
  help: "Something unexpected? Tell us through the same link before the due date and we will find a solution together.",
};

const copy = { fr, en };

function installmentOf(props: ReminderEmailProps) {
  return required(props.installment, "installment_reminder", "installment");
}

export function installmentReminderSubject(props: ReminderEmailProps) {
  const installment = installmentOf(props);
  return copy[props.locale].subject(
    props.creditorName,
    installment.position,
    installment.count,
    date(props.locale, installment.dueDate),
  );
}

/** Before each installment of an accepted plan: friendly, the plan replaced the escalation. */
export function InstallmentReminderEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const installment = installmentOf(props);
  const coming = t.coming(
    installment.position,
    installment.count,
    money(props.locale, installment.amountCents, debtCurrency(props)),
    date(props.locale, installment.dueDate),
  );
  return (
    <EmailLayout email={props} preview={coming}>
      <Opening email={props}>
        <Text>{coming}</Text>
      </Opening>
      {installment.position === installment.count && <Text>{t.last}</Text>}
      <Text>{t.pay}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.covered}</Text>
      <InvoiceTable email={props} mode="due" />
      <Text>{t.help}</Text>
    </EmailLayout>
  );
}
