import { randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, errors, type JWTVerifyGetKey } from "jose";
import { first, type Db } from "../../../db/client";
import type { debtorLinks } from "../../../db/tables";
import type { Env } from "../../env.server";
import { randomToken, sha256 } from "../auth/tokens.server";
import {
  findLinkByJti,
  findLinkByTokenHash,
  insertLinkRow,
  listLiveLinkScopes,
  listOwedInvoiceIdsOfDebtor,
  revokeLinkRow,
  revokeLiveLinks,
  revokeLiveLinksOfDebtor,
} from "../../models/links.server";

export const LINK_AUDIENCE = "relance:portal";
export const LINK_TYP = "magic+jwt";
const KID_FORMAT = /^[a-z0-9-]{1,32}$/;
/** The longest TTL a link may ever have had (M18); jose also checks the token's age against it. */
const MAX_LINK_AGE = "30d";
const DAY_MS = 86_400_000;

export type LinkEnv = Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS">;
export type DebtorLink = typeof debtorLinks.$inferSelect;
type Tx = Pick<Db, "insert">;

/**
 * Records a new link (M14). Synchronous so it can run inside the transaction that claims the message
 * carrying it; the token is signed afterwards from this row, so signing again after a crash gives the
 * very same token.
 */
export async function insertLink(
  tx: Tx,
  env: LinkEnv,
  input: { debtorId: number; invoiceIds: number[]; channel: DebtorLink["channel"]; sentTo: string | null; now: Date },
): Promise<DebtorLink> {
  const [current] = env.LINK_SIGNING_KEYS;
  if (!current) throw new Error("No link signing key configured");
  // JWT times are whole seconds; keeping the row at the same precision lets us re-sign identically.
  const issuedAt = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  return await insertLinkRow(tx, {
    jti: randomUUID(),
    kid: current.kid,
    debtorId: input.debtorId,
    scope: input.invoiceIds,
    channel: input.channel,
    sentToHash: input.sentTo ? sha256(input.sentTo.toLowerCase()) : null,
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + env.LINK_TTL_DAYS * DAY_MS),
  });
}

/** Short SMS links: 128 random bits, base64url (M16), so the default SMS stays within two segments. */
const SHORT_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/**
 * Records a short link for an SMS and returns its token, which exists only in the message: the row
 * keeps its hash (M16). Same claims, expiry and revocation as a signed link.
 */
export async function insertShortLink(
  tx: Tx,
  env: LinkEnv,
  input: { debtorId: number; invoiceIds: number[]; sentTo: string; now: Date },
): Promise<{ link: DebtorLink; token: string }> {
  const token = randomToken(16);
  const link = await insertLinkRow(tx, {
    jti: randomUUID(),
    tokenHash: sha256(token),
    debtorId: input.debtorId,
    scope: input.invoiceIds,
    channel: "sms",
    sentToHash: sha256(input.sentTo.toLowerCase()),
    issuedAt: input.now,
    expiresAt: new Date(input.now.getTime() + env.LINK_TTL_DAYS * DAY_MS),
  });
  return { link, token };
}

export async function signLink(env: LinkEnv, link: DebtorLink): Promise<string> {
  const key = env.LINK_SIGNING_KEYS.find((k) => k.kid === link.kid);
  if (!key) throw new Error(`Signing key ${link.kid} is no longer configured`);
  // Opaque ids only in the claims (M15): the payload is merely base64url-encoded.
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", kid: key.kid, typ: LINK_TYP })
    .setIssuer(env.PUBLIC_BASE_URL)
    .setAudience(LINK_AUDIENCE)
    .setSubject(String(link.debtorId))
    .setJti(link.jti)
    .setIssuedAt(Math.floor(link.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(link.expiresAt.getTime() / 1000))
    .sign(await hmacKey(key.secret, "sign"));
}

export function linkUrl(env: Pick<Env, "PUBLIC_BASE_URL">, token: string): string {
  // Built from configuration, never from the request's Host header (M11).
  return `${env.PUBLIC_BASE_URL}/l/${token}`;
}

/**
 * Given raw bytes, jose imports an HMAC key into WebCrypto at every call; a link landing pays that on
 * each GET and POST, and the outbox on each email it composes. Imported once per configured secret
 * and per use (sign, verify) instead.
 */
const hmacKeys = { sign: new WeakMap<Uint8Array, Promise<CryptoKey>>(), verify: new WeakMap<Uint8Array, Promise<CryptoKey>>() };
function hmacKey(secret: Uint8Array, usage: "sign" | "verify"): Promise<CryptoKey> {
  let key = hmacKeys[usage].get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    hmacKeys[usage].set(secret, key);
  }
  return key;
}

export type LinkCheck = { status: "valid"; link: DebtorLink } | { status: "invalid"; reason: "malformed" | "signature" | "expired" | "unknown" | "revoked" };

/**
 * Verifies a link token: signature with a key chosen by kid from our own key map (M13), pinned
 * algorithm, issuer, audience and type (M12), then its database row (M14). Callers show one
 * uniform page for every invalid reason (M17); the reason is for logs and tests.
 */
export async function checkLink(db: Db, env: LinkEnv, token: string, now: Date): Promise<LinkCheck> {
  if (SHORT_TOKEN.test(token)) return checkLinkRow(first(await findLinkByTokenHash(db, sha256(token))), now);
  const getKey: JWTVerifyGetKey = (header) => {
    const key = header.kid && KID_FORMAT.test(header.kid) ? env.LINK_SIGNING_KEYS.find((k) => k.kid === header.kid) : undefined;
    if (!key) throw new errors.JWKSNoMatchingKey();
    return hmacKey(key.secret, "verify");
  };
  let claims: { jti?: string; sub?: string };
  try {
    ({ payload: claims } = await jwtVerify(token, getKey, {
      algorithms: ["HS256"],
      issuer: env.PUBLIC_BASE_URL,
      audience: LINK_AUDIENCE,
      typ: LINK_TYP,
      requiredClaims: ["exp", "iat", "jti", "sub"],
      maxTokenAge: MAX_LINK_AGE,
      clockTolerance: 60,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { status: "invalid", reason: "expired" };
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return { status: "invalid", reason: "signature" };
    return { status: "invalid", reason: "malformed" };
  }
  return checkLinkRow(first(await findLinkByJti(db, claims.jti ?? "", Number(claims.sub))), now);
}

function checkLinkRow(link: DebtorLink | undefined, now: Date): LinkCheck {
  if (!link) return { status: "invalid", reason: "unknown" };
  if (link.revokedAt) return { status: "invalid", reason: "revoked" };
  if (link.expiresAt <= now) return { status: "invalid", reason: "expired" };
  return { status: "valid", link };
}

export async function revokeLink(db: Db, linkId: number, reason: string, now: Date) {
  await revokeLinkRow(db, linkId, reason, now);
}

type LinkWriter = Pick<Db, "select" | "update">;

/**
 * Every live link of a debtor stops working (M14), and with it every session opened with one of
 * them (a session is valid only while its link is). `keepLinkId` spares the link of the session
 * making the change. Returns how many links were revoked.
 */
export async function revokeDebtorLinks(db: LinkWriter, debtorId: number, reason: string, now: Date, keepLinkId?: number): Promise<number> {
  return await revokeLiveLinksOfDebtor(db, debtorId, reason, now, keepLinkId);
}

/**
 * After an invoice is cancelled or credited in full: the debtor's live links sent only about
 * invoices that are no longer owed stop working (nothing left for them to act on). Links that also
 * carry an invoice still open, and links about the whole account (no scope), stay.
 */
export async function revokeLinksOfClosedInvoices(db: LinkWriter, debtorId: number, reason: string, now: Date): Promise<number> {
  const live = await listLiveLinkScopes(db, debtorId);
  const owed = new Set(await listOwedInvoiceIdsOfDebtor(db, debtorId));
  const stale = live.filter((l) => l.scope.length > 0 && l.scope.every((invoiceId) => !owed.has(invoiceId))).map((l) => l.id);
  if (stale.length === 0) return 0;
  return await revokeLiveLinks(db, stale, reason, now);
}
