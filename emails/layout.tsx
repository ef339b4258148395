import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import { common } from "./copy";
import { Footer } from "./parts";
import type { ReminderEmailProps } from "./props";

const body = { backgroundColor: "#f4f4f5", fontFamily: "Helvetica, Arial, sans-serif", color: "#18181b" };
const container = { backgroundColor: "#ffffff", margin: "24px auto", padding: "24px", maxWidth: "560px" };

/** Every debtor email: greeting by name, the template's body, the creditor's sign-off, the footer. */
export function EmailLayout(props: {
  email: ReminderEmailProps;
  preview: string;
  /** Whether the body carries the debtor's personal link (the footer then warns not to forward it). */
  withLink?: boolean;
  children: ReactNode;
}) {
  const { email } = props;
  const t = common[email.locale];
  return (
    <Html lang={email.locale}>
      <Head />
      <Preview>{email.override?.opening[0] ?? props.preview}</Preview>
      <Body style={body}>
        <Container style={email.accentColor ? { ...container, borderTop: `6px solid ${email.accentColor}` } : container}>
          <Section>
            <Text>{t.greeting(email.debtorName)}</Text>
            {props.children}
            <Text>
              {t.regards}
              <br />
              <strong>{email.creditorName}</strong>
            </Text>
          </Section>
          <Hr />
          <Footer email={email} withLink={props.withLink ?? true} />
        </Container>
      </Body>
    </Html>
  );
}
