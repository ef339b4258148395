import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { loadDevOutboxMessage } from "~/services/dev/dev-outbox.server";
import { getDb } from "~/db.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.subject ?? "Message"} — Outbox` }];

export async function loader({ params }: LoaderFunctionArgs) {
  return loadDevOutboxMessage(getDb(), params.messageId ?? "");
}

export default function DevOutboxMessage() {
  const message = useLoaderData<typeof loader>();
  return (
    <main className="page" lang="en">
      <p>
        <Link to="/dev/outbox">← Outbox</Link>
      </p>
      <h1>{message.subject ?? `SMS to ${message.toAddress}`}</h1>
      <dl>
        <dt>From</dt>
        <dd>{message.fromAddress}</dd>
        <dt>To</dt>
        <dd>{message.toAddress}</dd>
        <dt>Kept at (UTC)</dt>
        <dd>{message.createdAt}</dd>
      </dl>
      {message.html ? (
        <iframe
          className="email"
          title="Email as the debtor sees it"
          srcDoc={message.html}
          // No scripts, no same-origin access; a click on a link may navigate the tab.
          sandbox="allow-top-navigation-by-user-activation allow-popups"
        />
      ) : null}
      <h2>Plain text</h2>
      <pre className="sms">
        <LinkedText text={message.text} />
      </pre>
    </main>
  );
}

/** SMS and plain-text parts carry bare URLs: make them clickable, as a phone would. */
function LinkedText({ text }: { text: string }) {
  return text.split(/(https?:\/\/[^\s]+)/).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}
