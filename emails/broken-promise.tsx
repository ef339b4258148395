import { Text } from "@react-email/components";
import { common } from "./copy";
import { date, debtCurrency, money, required } from "./format";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string, promised: string) =>
    `${creditor} : votre règlement prévu le ${promised} n'est pas arrivé`,
  promised: (promised: string, amount: string | null) =>
    `Vous nous aviez indiqué un règlement${amount ? ` de ${amount}` : ""} pour le ${promised}. Sauf erreur de notre part, nous ne l'avons pas reçu à ce jour.`,
  ask: (deadline: string | null) =>
    `Merci de régler ${deadline ? `au plus tard le ${deadline}` : "dès aujourd'hui"} ou, si vous avez besoin d'un peu plus de temps, de nous indiquer une nouvelle date par le lien ci-dessous.`,
  resume: "Sans nouvelles de votre part, nos relances reprendront leur cours.",
  cta: "Régler ou indiquer une nouvelle date",
};

const en: typeof fr = {
  subject: (creditor, promised) => `${creditor}: the payment planned for ${promised} has not arrived`,
  promised: (promised, amount) =>
    `You told us you would pay${amount ? ` ${amount}` : ""} by ${promised}. Unless we are mistaken, we have not received it yet.`,
  ask: (deadline) =>
    `Please pay ${deadline ? `by ${deadline} at the latest` : "today"} or, if you need a little more time, give us a new date through the link below.`,
  resume: "Without news from you, our reminders will resume.",
  cta: "Pay or give a new date",
};

const copy = { fr, en };

function promiseOf(props: ReminderEmailProps) {
  return required(props.promise, "broken_promise", "promise");
}

export function brokenPromiseSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName, date(props.locale, promiseOf(props).date));
}

/** The promised date passed unpaid: pay now or give a new date; firm but courteous. */
export function BrokenPromiseEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const promise = promiseOf(props);
  const amount = promise.amountCents === null ? null : money(props.locale, promise.amountCents, debtCurrency(props));
  const promised = t.promised(date(props.locale, promise.date), amount);
  return (
    <EmailLayout email={props} preview={promised}>
      <Opening email={props}>
        <Text>{promised}</Text>
      </Opening>
      <InvoiceTable email={props} mode="overdue" />
      <Text>{t.ask(props.deadline && date(props.locale, props.deadline))}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.resume}</Text>
      <Text>{common[props.locale].alreadyPaid}</Text>
    </EmailLayout>
  );
}
