import { Text } from "@react-email/components";
import { EmailLayout } from "./layout";
import { LinkButton } from "./parts";
import type { ReminderEmailProps } from "./props";

const copy = {
  fr: { cta: "Ouvrir mon espace" },
  en: { cta: "Open my account" },
};

export function noticeSubject(props: ReminderEmailProps) {
  if (!props.notice) throw new Error("A notice email needs its notice text");
  // French puts a (narrow) space before the colon, English does not.
  return props.locale === "fr" ? `${props.creditorName} : ${props.notice.title}` : `${props.creditorName}: ${props.notice.title}`;
}

/**
 * A transactional message the debtor caused (a confirmation of what they did, a one-time code):
 * the text is written by the action that sends it, already in the debtor's language.
 */
export function NoticeEmail(props: ReminderEmailProps) {
  if (!props.notice) throw new Error("A notice email needs its notice text");
  const withLink = props.linkUrl !== "";
  return (
    <EmailLayout email={props} preview={props.notice.title} withLink={withLink}>
      <Text>
        <strong>{props.notice.title}</strong>
      </Text>
      {props.notice.lines.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      {withLink ? <LinkButton href={props.linkUrl}>{copy[props.locale].cta}</LinkButton> : null}
    </EmailLayout>
  );
}
