import { existsSync } from "node:fs";
import { z } from "zod";

const KID = /^[a-z0-9-]{1,32}$/;

const signingKeys = z
  .string({ error: "is required: one or more kid:secret pairs, comma-separated, newest first" })
  .transform((value, ctx) => {
    const keys = value.split(",").map((pair) => {
      const [kid = "", secret = ""] = pair.trim().split(":");
      return { kid, secret: Buffer.from(secret, "base64url") };
    });
    for (const { kid, secret } of keys) {
      if (!KID.test(kid)) ctx.addIssue({ code: "custom", message: `key id "${kid}" must match ${KID}` });
      if (secret.length < 32)
        ctx.addIssue({ code: "custom", message: `key "${kid}" needs a base64url secret of at least 32 bytes` });
    }
    return keys;
  });

const publicBaseUrl = z
  .url({
    error: (issue) =>
      issue.input === undefined
        ? "is required: the address debtors' links point to, such as https://relance.example.fr"
        : "must be an absolute URL such as https://relance.example.fr",
  })
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  }, "must use https (plain http is accepted only for localhost)")
  .transform((value) => value.replace(/\/+$/, ""));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /**
   * "demo" turns on the development drivers (outbox, checkout, SMS kept in the outbox); anything else
   * is production, which needs every provider. Explicit, since remix-serve sets NODE_ENV=production
   * by itself and a missing key must never open a door.
   */
  RELANCE_MODE: z.enum(["demo", "production"], { error: 'must be "demo" or "production"' }).default("production"),
  DATABASE_PATH: z.string().min(1).default(".data/relance.db"),
  // Set: PostgreSQL (postgres://user:password@host:port/database); unset: the SQLite file at DATABASE_PATH.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, "must be postgres://user:password@host:port/database")
    .optional(),
  PUBLIC_BASE_URL: publicBaseUrl,
  LINK_SIGNING_KEYS: signingKeys,
  LINK_TTL_DAYS: z.coerce.number().int().min(1).max(30).default(30),
  EMAIL_FROM: z.string().min(3).default("Relance <relances@relance.localhost>"),
  RESEND_API_KEY: z.string().min(1).optional(),
  RESEND_BASE_URL: z.url().optional(),
  /** The Resend account's rate limit (2 requests/s unless Resend raised it): sends are spaced to stay under it. */
  RESEND_MAX_REQUESTS_PER_SECOND: z.coerce.number().positive().max(1000).default(2),
  RESEND_WEBHOOK_SECRET: z.string().startsWith("whsec_", { error: "must be the whsec_… signing secret of the Resend webhook" }).optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, { error: "must look like AC followed by 32 hex digits" }).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  /** Sender: a Messaging Service (preferred: Advanced Opt-Out handles STOP) or a phone number. */
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-f]{32}$/).optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, { error: "must be an E.164 number such as +33612345678" }).optional(),
  /** Tests and staging proxies only: where the Twilio SDK sends its REST calls instead of api.twilio.com. */
  TWILIO_API_BASE_URL: z.url().optional(),
  /** Card payments through Stripe Checkout; without a key, the development checkout at /dev/checkout stands in. */
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, { error: "must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_… key)" }).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", { error: "must be the whsec_… signing secret of the Stripe webhook endpoint" }).optional(),
  /** Tests and staging proxies only: where the Stripe SDK sends its calls instead of https://api.stripe.com. */
  STRIPE_API_BASE_URL: z.url().optional(),
  /** Where generated letters and uploaded files live: outside the web root. */
  STORAGE_DIR: z.string().min(1).default(".data/files"),
  JOB_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Tests only, ignored unless NODE_ENV=test: the job kills itself at this checkpoint (jobs/crash-hook.ts). */
  TEST_CRASH_AT: z.string().regex(/^[a-z:]+@\d+$/, { error: "must be <checkpoint>@<n>, such as send:after@2" }).optional(),
  /** Tests only, ignored unless NODE_ENV=test: the job stops itself (SIGSTOP) at this checkpoint, as a frozen VM would. */
  TEST_STALL_AT: z.string().regex(/^[a-z:]+@\d+$/, { error: "must be <checkpoint>@<n>, such as send:before:sms@1" }).optional(),
  /** Tests and demos only: freeze the clock of the web server at this instant. */
  TEST_FIXED_NOW: z.iso.datetime({ offset: true }).optional(),
  /**
   * How many reverse proxies stand in front of the web server ("off" or 0: none). Only then is
   * X-Forwarded-For read, and only the entries those proxies appended: a client can prepend any.
   */
  TRUST_PROXY: z
    .string()
    .default("off")
    .transform((value, ctx) => {
      if (value.trim().toLowerCase() === "off") return 0;
      if (!/^\d{1,2}$/.test(value.trim())) {
        ctx.addIssue({ code: "custom", message: `must be "off" or the number of proxies in front of the server (1 for one load balancer), not "${value}"` });
        return z.NEVER;
      }
      return Number(value.trim());
    }),
});

export type Env = z.infer<typeof envSchema>;

/** Twilio is configured all together or not at all: half a configuration is a mistake, not "no SMS". */
function checkTwilio(env: Env): string[] {
  const parts = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_MESSAGING_SERVICE_SID ?? env.TWILIO_FROM_NUMBER];
  const set = parts.filter(Boolean).length;
  return set === 0 || set === 3
    ? []
    : ["  - TWILIO_*: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_MESSAGING_SERVICE_SID (or TWILIO_FROM_NUMBER) together, or none of them"];
}

/**
 * Stripe too: a key without the webhook secret could take money that would never be recorded, and a
 * base URL without a key would be silently ignored.
 */
function checkStripe(env: Env): string[] {
  const lines: string[] = [];
  if (Boolean(env.STRIPE_SECRET_KEY) !== Boolean(env.STRIPE_WEBHOOK_SECRET)) {
    lines.push("  - STRIPE_*: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together (payments are recorded from the webhook), or neither");
  }
  if (env.STRIPE_API_BASE_URL && !env.STRIPE_SECRET_KEY) {
    lines.push("  - STRIPE_API_BASE_URL: only meaningful with STRIPE_SECRET_KEY; remove it or set the keys");
  }
  return lines;
}

/**
 * Production runs no development driver, so every provider must be there, and nothing meant for
 * tests or demos may be set: one line per problem.
 */
function checkProduction(env: Env): string[] {
  if (env.RELANCE_MODE !== "production") return [];
  const required: [keyof Env, string][] = [
    ["RESEND_API_KEY", "emails go through Resend in production"],
    ["RESEND_WEBHOOK_SECRET", "bounces and complaints must be verified"],
    ["STRIPE_SECRET_KEY", "card payments go through Stripe Checkout in production"],
    ["STRIPE_WEBHOOK_SECRET", "payments are recorded from Stripe's signed webhook"],
    ["TWILIO_ACCOUNT_SID", "SMS (reminders and step-up codes) go through Twilio in production"],
    ["TWILIO_AUTH_TOKEN", "SMS go through Twilio, and its callbacks are verified with this token"],
  ];
  const lines = required
    .filter(([name]) => !env[name])
    .map(([name, why]) => `  - ${name}: is required in production (${why}); RELANCE_MODE=demo runs without it`);
  if (!env.TWILIO_MESSAGING_SERVICE_SID && !env.TWILIO_FROM_NUMBER) {
    lines.push("  - TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER: is required in production (the SMS sender)");
  }
  if (new URL(env.PUBLIC_BASE_URL).protocol !== "https:") {
    lines.push("  - PUBLIC_BASE_URL: must use https in production (links carry bearer tokens)");
  }
  const demoOnly: [keyof Env, boolean][] = [
    ["TEST_FIXED_NOW", env.TEST_FIXED_NOW !== undefined],
    ["TEST_CRASH_AT", env.TEST_CRASH_AT !== undefined],
    ["TEST_STALL_AT", env.TEST_STALL_AT !== undefined],
  ];
  for (const [name, set] of demoOnly) {
    if (set) lines.push(`  - ${name}: is for tests and demos only; remove it in production`);
  }
  return lines;
}

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses an environment, naming every missing or invalid variable in one message. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty value (KEY= in a .env file) means "not set".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = envSchema.safeParse(present);
  const lines = result.success
    ? [...checkTwilio(result.data), ...checkStripe(result.data), ...checkProduction(result.data)]
    : result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  if (result.success && lines.length === 0) return result.data;
  throw new EnvError(`Relance cannot start, the environment is invalid:\n${lines.join("\n")}`);
}

let cached: Env | undefined;

/** The environment of this process, parsed once. Local `.env` values never override real ones. */
export function getEnv(): Env {
  if (!cached) {
    if (existsSync(".env")) process.loadEnvFile(".env");
    cached = parseEnv(process.env);
  }
  return cached;
}

/** Demo mode: the development drivers and pages (/dev/*) exist; in production they are all 404. */
export function isDemoMode(): boolean {
  return getEnv().RELANCE_MODE === "demo";
}

/** For tests that start over with another environment. */
export function resetEnvCache() {
  cached = undefined;
}
