/** Fixed, test-only keys: never used outside tests. */
export const TEST_KEYS = {
  current: { kid: "test-2026-11", secret: "dGVzdC1rZXktbnVtYmVyLW9uZS1mb3ItdGVzdHMtb25seS0xMjM0NQ" },
  previous: { kid: "test-2026-05", secret: "dGVzdC1rZXktbnVtYmVyLXR3by1mb3ItdGVzdHMtb25seS02Nzg5MA" },
};

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    PUBLIC_BASE_URL: "http://localhost:4310",
    DATABASE_PATH: ":memory:",
    LINK_SIGNING_KEYS: `${TEST_KEYS.current.kid}:${TEST_KEYS.current.secret},${TEST_KEYS.previous.kid}:${TEST_KEYS.previous.secret}`,
    EMAIL_FROM: "Relance <relances@relance.test>",
    // Route tests stand where a proxy would: the last X-Forwarded-For entry is the client.
    TRUST_PROXY: "1",
    ...overrides,
  };
}
