import { Button, Link, Section, Text } from "@react-email/components";
import { EmailLayout } from "./layout";
import type { ReminderEmailProps } from "./props";

const copy = {
  fr: {
    subject: (creditor: string) => `${creditor} : votre nouveau lien d'accès`,
    greeting: (name: string) => `Bonjour ${name},`,
    intro: (creditor: string) => `Voici le nouveau lien demandé pour consulter vos factures ${creditor}.`,
    cta: "Ouvrir mon espace",
    notYou: "Vous n'avez rien demandé ? Ignorez simplement ce message : rien ne change sans vous.",
    footer: (creditor: string, email: string) => `Message envoyé par Relance pour le compte de ${creditor} (${email}).`,
    privacy: "Vos données et vos droits",
  },
  en: {
    subject: (creditor: string) => `${creditor}: your new access link`,
    greeting: (name: string) => `Hello ${name},`,
    intro: (creditor: string) => `Here is the new link you asked for, to review your ${creditor} invoices.`,
    cta: "Open my account",
    notYou: "Didn't ask for this? Just ignore this message: nothing changes without you.",
    footer: (creditor: string, email: string) => `Sent by Relance on behalf of ${creditor} (${email}).`,
    privacy: "Your data and your rights",
  },
} as const;

const button = { backgroundColor: "#1d4ed8", color: "#ffffff", padding: "12px 20px", borderRadius: "6px" };

export function newLinkSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName);
}

export function NewLinkEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
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
      <Section style={{ margin: "24px 0" }}>
        <Button href={props.linkUrl} style={button}>
          {t.cta}
        </Button>
      </Section>
      <Text>{t.notYou}</Text>
    </EmailLayout>
  );
}
