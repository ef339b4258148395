import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { insertApiKey, listApiKeys, revokeApiKey, useApiKey } from "../../models/api-keys.server";
import { textProblem } from "../../domain/intake";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { randomToken, sha256 } from "../auth/tokens.server";

/**
 * API keys: `rlk_` + an 8-character public prefix + `_` + 256 random bits. Shown once at creation;
 * only the SHA-256 is stored (the key has full entropy, so a fast hash is enough), the prefix stays
 * visible so staff can tell keys apart.
 */
const KEY_FORMAT = /^rlk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/;

export function newApiKey(): { key: string; prefix: string } {
  const prefix = `rlk_${randomToken(6)}`;
  return { key: `${prefix}_${randomToken(32)}`, prefix };
}

/** The creditor of a live key from `Authorization: Bearer …`, or null (missing, malformed, unknown, revoked). */
export async function authenticateApiKey(db: Db, request: Request, at: Date): Promise<{ creditorId: number; keyId: number } | null> {
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match || !KEY_FORMAT.test(match[1]!)) return null;
  const key = await useApiKey(db, sha256(match[1]!), at);
  return key ? { creditorId: key.creditorId, keyId: key.id } : null;
}

async function owner(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  return { at, staff };
}

export async function loadApiKeys(db: Db, request: Request) {
  const { staff } = await owner(db, request);
  return {
    canManage: staff.role === "owner",
    timeZone: staff.creditorTimeZone,
    keys: (await listApiKeys(db, staff.creditorId)).map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
  };
}

const nameSchema = z
  .string()
  .trim()
  .min(1, { error: "Donnez un nom à la clé (par exemple : « Logiciel de facturation »)." })
  .max(80, { error: "Le nom dépasse 80 caractères." })
  .refine((name) => textProblem(name, 80) === null, { error: "Le nom contient des caractères refusés (contrôle, balisage HTML)." });

export type ApiKeyActionResult = { created: { key: string; prefix: string; name: string } } | { fields: { name?: string; keyId?: string } };

export async function apiKeysAction(db: Db, request: Request) {
  requireSameOrigin(request);
  const { at, staff } = await owner(db, request);
  if (staff.role !== "owner") throw new Response("Seuls les propriétaires du compte gèrent les clés d'API.", { status: 403 });
  const form = await readStaffForm(request);
  if (form.get("intent") === "revoke") {
    const id = z.coerce.number().int().positive().safeParse(form.get("keyId"));
    if (!id.success || !(await revokeApiKey(db, staff.creditorId, id.data, at)))
      return data({ fields: { keyId: "Cette clé n'existe pas ou est déjà révoquée." } } satisfies ApiKeyActionResult, { status: 404 });
    throw redirect("/backoffice/api-keys", 303);
  }
  const name = nameSchema.safeParse(form.get("name") ?? "");
  if (!name.success) return data({ fields: { name: name.error.issues[0]!.message } } satisfies ApiKeyActionResult, { status: 400 });
  const { key, prefix } = newApiKey();
  await insertApiKey(db, { creditorId: staff.creditorId, name: name.data, prefix, keyHash: sha256(key), createdBy: staff.id, createdAt: at });
  // The only time the key is ever shown: the response is not cached, the page says to copy it now.
  return data({ created: { key, prefix, name: name.data } } satisfies ApiKeyActionResult, { headers: { "Cache-Control": "no-store" } });
}
