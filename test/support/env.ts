/** Fixed, test-only keys: never used outside tests. */
export const TEST_KEYS = {
  current: { kid: "test-2026-11", secret: "dGVzdC1rZXktbnVtYmVyLW9uZS1mb3ItdGVzdHMtb25seS0xMjM0NQ" },
  previous: { kid: "test-2026-05", secret: "dGVzdC1rZXktbnVtYmVyLXR3by1mb3ItdGVzdHMtb25seS02Nzg5MA" },
};

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    RELANCE_MODE: "demo",
    PUBLIC_BASE_URL: "http://localhost:4310",
    DATABASE_PATH: ":memory:",
    LINK_SIGNING_KEYS: `${TEST_KEYS.current.kid}:${TEST_KEYS.current.secret},${TEST_KEYS.previous.kid}:${TEST_KEYS.previous.secret}`,
    EMAIL_FROM: "Relance <relances@relance.test>",
    // Route tests stand where a proxy would: the last X-Forwarded-For entry is the client.
    TRUST_PROXY: "1",
    ...overrides,
  };
}

/**
 * A complete production environment (RELANCE_MODE=production): every provider set, with the keys the
 * fakes in test/fakes/ accept. Point the *_BASE_URL variables at running fakes to send anything.
 */
export function productionEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return testEnv({
    NODE_ENV: "production",
    RELANCE_MODE: "production",
    PUBLIC_BASE_URL: "https://relance.example.fr",
    RESEND_API_KEY: "re_test_key",
    RESEND_WEBHOOK_SECRET: `whsec_${Buffer.from("resend-webhook-secret-for-tests").toString("base64")}`,
    STRIPE_SECRET_KEY: "sk_test_fake",
    STRIPE_WEBHOOK_SECRET: "whsec_fake_test_secret",
    TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "twilio-auth-token-for-tests",
    TWILIO_MESSAGING_SERVICE_SID: `MG${"b".repeat(32)}`,
    ...overrides,
  });
}
