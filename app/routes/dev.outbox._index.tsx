import { Link, useLoaderData } from "@remix-run/react";
import { loadDevOutbox } from "~/services/dev/dev-outbox.server";
import { pageTitle } from "~/utils/head";
import { getDb } from "~/db.server";

export const meta = pageTitle("Outbox (development)");

export async function loader() {
  return { messages: await loadDevOutbox(getDb()) };
}

export default function DevOutbox() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <main className="page" lang="en">
      <h1>Development outbox</h1>
      <p className="muted">No provider keys are set, so emails and SMS are kept here instead of being sent. Newest first; open one to follow its link.</p>
      {messages.length === 0 ? (
        <p>Nothing sent yet. The reminder job runs every minute; `npm run job -- once` runs it now.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Sent at (UTC)</th>
                <th>Channel</th>
                <th>To</th>
                <th>Subject</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id}>
                  <td>{message.createdAt.replace("T", " ").slice(0, 19)}</td>
                  <td>{message.channel}</td>
                  <td>{message.toAddress}</td>
                  <td>
                    <Link to={`/dev/outbox/${message.id}`}>{message.subject ?? message.text.slice(0, 60)}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
