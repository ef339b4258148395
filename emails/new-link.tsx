import { Text } from "@react-email/components";
import { EmailLayout } from "./layout";
import { LinkButton } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string) => `${creditor} : votre nouveau lien d'accès`,
  intro: (creditor: string) => `Voici le nouveau lien demandé pour consulter vos factures ${creditor}.`,
  cta: "Ouvrir mon espace",
  notYou: "Vous n'avez rien demandé ? Ignorez simplement ce message : rien ne change sans vous.",
};

const en: typeof fr = {
  subject: (creditor) => `${creditor}: your new access link`,
  intro: (creditor) => `Here is the new link you asked for, to review your ${creditor} invoices.`,
  cta: "Open my account",
  notYou: "Didn't ask for this? Just ignore this message: nothing changes without you.",
};

const copy = { fr, en };

export function newLinkSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName);
}

/** Sent on the debtor's own request: no invoice list, just the fresh link. */
export function NewLinkEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout email={props} preview={t.intro(props.creditorName)}>
      <Text>{t.intro(props.creditorName)}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.notYou}</Text>
    </EmailLayout>
  );
}
