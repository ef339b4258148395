import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiKeys } from "../../db/schema";

export function insertApiKey(db: Db, values: typeof apiKeys.$inferInsert) {
  return db.insert(apiKeys).values(values).returning({ id: apiKeys.id }).get();
}

export function listApiKeys(db: Db, creditorId: number) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.creditorId, creditorId))
    .orderBy(desc(apiKeys.id))
    .all();
}

/** True when a live key of this creditor was revoked now. */
export function revokeApiKey(db: Db, creditorId: number, id: number, at: Date): boolean {
  return db.update(apiKeys).set({ revokedAt: at }).where(and(eq(apiKeys.id, id), eq(apiKeys.creditorId, creditorId), isNull(apiKeys.revokedAt))).run().changes === 1;
}

/** The live key with this hash, if any; its last use is recorded. */
export function useApiKey(db: Db, keyHash: string, at: Date) {
  const key = db
    .select({ id: apiKeys.id, creditorId: apiKeys.creditorId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
  if (key) db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, key.id)).run();
  return key ?? null;
}
