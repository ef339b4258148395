import { getDb } from "../../db.server";
import { getEnv } from "../../env.server";
import { now } from "../../clock.server";
import { createEmailSender } from "../../integrations/email.server";
import { createSmsSender } from "../../integrations/sms.server";
import type { OutboxDeps } from "../shared/outbox.server";

/** The web process's dependencies for a request, built at the edge and passed down. */
export function requestDeps(): OutboxDeps {
  const env = getEnv();
  const db = getDb();
  return { db, env, email: createEmailSender(env, db), sms: createSmsSender(env, db), now: now() };
}
