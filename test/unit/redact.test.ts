import { describe, expect, it } from "vitest";
import { isLinkPath, redactLinkTokens } from "~/utils/redact";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJyZWxhbmNlIn0.c2lnbmF0dXJlLXNpZw";
const SMS = "Ab3_dE-fGh1JkLmNoPqRsT";

describe("log redaction", () => {
  it.each([
    ["GET /l/eyJhbGciOi.eyJpc3Mi.sig_-123 200 - 4 ms", "GET /l/[redacted] 200 - 4 ms"],
    [`POST /s/${SMS} 303`, "POST /s/[redacted] 303"],
    ["GET /portal?t=secret&lang=fr", "GET /portal?t=[redacted]&lang=fr"],
    ["GET /portal/invoices/12 200", "GET /portal/invoices/12 200"],
    // The variants a client can send to reach, or miss, the landing route.
    [`GET /l/${JWT}.data 200`, "GET /l/[redacted] 200"],
    [`GET /l/${SMS}/ 404`, "GET /l/[redacted]/ 404"],
    [`HEAD /L/${SMS} 200`, "HEAD /L/[redacted] 200"],
    [`GET //l//${SMS} 200`, "GET //l/[redacted] 200"],
    [`GET /l%2F${SMS} 404`, "GET /l/[redacted] 404"],
    [`GET /l/${SMS}%20x 410`, "GET /l/[redacted] 410"],
    [`GET /portal?lang=fr&T=${SMS} 200`, "GET /portal?lang=fr&T=[redacted] 200"],
    [`Error while serving GET /x: Referer http://localhost/l/${JWT}`, "Error while serving GET /x: Referer http://localhost/l/[redacted]"],
    [`token ${JWT} in a message`, "token [redacted] in a message"],
    [`[busy] SQLITE_BUSY while serving POST /l/${SMS}: answered 503`, "[busy] SQLITE_BUSY while serving POST /l/[redacted]: answered 503"],
  ])("%s", (line, expected) => {
    expect(redactLinkTokens(line)).toBe(expected);
  });

  it("knows a link page in every form, and nothing else", () => {
    for (const path of [`/l/${SMS}`, `/L/${SMS}`, `/l/${JWT}.data`, `//s/${SMS}`, `/l%2f${SMS}`]) expect(isLinkPath(path)).toBe(true);
    for (const path of ["/portal", "/legal", "/lang/fr", "/backoffice/l/1"]) expect(isLinkPath(path)).toBe(false);
  });
});
