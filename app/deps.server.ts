import type { Db } from "../db/client";
import { getEnv } from "./env.server";
import { now } from "./clock.server";
import { createEmailSender } from "./integrations/email.server";
import { createSmsSender } from "./integrations/sms.server";
import type { OutboxDeps } from "./services/shared/outbox.server";

/**
 * The web process's dependencies for a request, built at the edge and passed down. The database is
 * the caller's: a route passes getDb(), a use-case the one it was given.
 */
export function requestDeps(db: Db): OutboxDeps {
  const env = getEnv();
  return { db, env, email: createEmailSender(env, db), sms: createSmsSender(env, db), now: now() };
}
