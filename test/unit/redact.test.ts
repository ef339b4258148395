import { describe, expect, it } from "vitest";
import { redactLinkTokens } from "~/utils/redact";

describe("log redaction", () => {
  it.each([
    ["GET /l/eyJhbGciOi.eyJpc3Mi.sig_-123 200 - 4 ms", "GET /l/[redacted] 200 - 4 ms"],
    ["POST /s/Ab3_dE-fGh1JkLmNoPqRsT 303", "POST /s/[redacted] 303"],
    ["GET /portal?t=secret&lang=fr", "GET /portal?t=[redacted]&lang=fr"],
    ["GET /portal/invoices/12 200", "GET /portal/invoices/12 200"],
  ])("%s", (line, expected) => {
    expect(redactLinkTokens(line)).toBe(expected);
  });
});
