import { describe, expect, it } from "vitest";
import { parseEnv, EnvError } from "~/env.server";
import { productionEnv, testEnv } from "../support/env";

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
  throw new Error("expected the environment to be refused");
}

describe("environment", () => {
  it("parses a complete environment, with its key ring newest first", () => {
    const env = parseEnv(testEnv());
    expect(env.LINK_SIGNING_KEYS.map((k) => k.kid)).toEqual(["test-2026-11", "test-2026-05"]);
    expect(env.PUBLIC_BASE_URL).toBe("http://localhost:4310");
    expect(env.JOB_INTERVAL_SECONDS).toBe(60);
  });

  it("names every missing variable in one message", () => {
    const message = errorOf({});
    expect(message).toContain("PUBLIC_BASE_URL: is required");
    expect(message).toContain("LINK_SIGNING_KEYS: is required");
  });

  it("refuses plain http outside localhost, since links carry bearer tokens", () => {
    expect(errorOf(testEnv({ PUBLIC_BASE_URL: "http://relance.example.fr" }))).toContain(
      "PUBLIC_BASE_URL: must use https",
    );
    expect(parseEnv(testEnv({ PUBLIC_BASE_URL: "https://relance.example.fr/" })).PUBLIC_BASE_URL).toBe(
      "https://relance.example.fr",
    );
  });

  it("refuses weak or badly named signing keys", () => {
    expect(errorOf(testEnv({ LINK_SIGNING_KEYS: "k1:c2hvcnQ" }))).toContain('key "k1" needs a base64url secret of at least 32 bytes');
    expect(errorOf(testEnv({ LINK_SIGNING_KEYS: `Bad_Kid:${"a".repeat(60)}` }))).toContain('key id "Bad_Kid"');
  });

  it("treats an empty value as unset, as in a copied .env.example", () => {
    expect(parseEnv(testEnv({ RESEND_API_KEY: "" })).RESEND_API_KEY).toBeUndefined();
    expect(errorOf(testEnv({ JOB_INTERVAL_SECONDS: "soon" }))).toContain("JOB_INTERVAL_SECONDS");
  });
});

describe("provider configuration", () => {
  it("accepts Twilio configured as a whole, and refuses half of it", () => {
    const twilio = {
      TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "a".repeat(32),
      TWILIO_MESSAGING_SERVICE_SID: `MG${"1".repeat(32)}`,
    };
    expect(parseEnv(testEnv(twilio)).TWILIO_ACCOUNT_SID).toBe(twilio.TWILIO_ACCOUNT_SID);
    expect(errorOf(testEnv({ TWILIO_ACCOUNT_SID: twilio.TWILIO_ACCOUNT_SID }))).toContain("set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN");
    expect(errorOf(testEnv({ ...twilio, TWILIO_FROM_NUMBER: "06 12 34 56 78" }))).toContain("TWILIO_FROM_NUMBER: must be an E.164 number");
  });

  it("checks the Resend webhook secret's form", () => {
    expect(errorOf(testEnv({ RESEND_WEBHOOK_SECRET: "secret" }))).toContain("RESEND_WEBHOOK_SECRET: must be the whsec_");
  });
});

describe("production mode", () => {
  const noProviders = {
    RESEND_API_KEY: "",
    RESEND_WEBHOOK_SECRET: "",
    STRIPE_SECRET_KEY: "",
    STRIPE_WEBHOOK_SECRET: "",
    TWILIO_ACCOUNT_SID: "",
    TWILIO_AUTH_TOKEN: "",
    TWILIO_MESSAGING_SERVICE_SID: "",
  };

  it("is the default: a missing RELANCE_MODE never turns the development drivers on", () => {
    const { RELANCE_MODE: _demo, ...withoutMode } = productionEnv();
    expect(parseEnv(withoutMode).RELANCE_MODE).toBe("production");
    expect(errorOf(testEnv({ RELANCE_MODE: "" }))).toContain("RESEND_API_KEY: is required in production");
    expect(errorOf(testEnv({ RELANCE_MODE: "dev" }))).toContain('RELANCE_MODE: must be "demo" or "production"');
  });

  it("refuses to start without providers, one line per missing setting", () => {
    const lines = errorOf(productionEnv(noProviders)).split("\n").slice(1);
    expect(lines.map((line) => line.split(":")[0]!.trim().replace(/^- /, ""))).toEqual([
      "RESEND_API_KEY",
      "RESEND_WEBHOOK_SECRET",
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "TWILIO_ACCOUNT_SID",
      "TWILIO_AUTH_TOKEN",
      "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER",
    ]);
  });

  it("refuses plain http even on localhost, and every test and demo switch", () => {
    const message = errorOf(
      productionEnv({ PUBLIC_BASE_URL: "http://localhost:3000", TEST_FIXED_NOW: "2026-11-20T09:00:00Z", TEST_CRASH_AT: "send:after@2", TEST_STALL_AT: "send:before:sms@1" }),
    );
    expect(message).toContain("PUBLIC_BASE_URL: must use https in production");
    for (const name of ["TEST_FIXED_NOW", "TEST_CRASH_AT", "TEST_STALL_AT"]) expect(message).toContain(`${name}: is for tests and demos only`);
  });

  it("starts with every provider set, and demo mode still starts with none", () => {
    expect(parseEnv(productionEnv()).RELANCE_MODE).toBe("production");
    expect(parseEnv(testEnv()).RELANCE_MODE).toBe("demo");
  });
});
