import { createHash, randomBytes } from "node:crypto";

/** 128 bits or more of randomness, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** We store hashes of bearer secrets (session ids, SMS tokens, addresses), never the secrets. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Hex SHA-256 of file contents (evidence hashes, L13). */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
