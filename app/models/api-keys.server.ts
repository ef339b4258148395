import { and, desc, eq, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { apiKeys } from "../../db/tables";

export async function insertApiKey(db: Db, values: typeof apiKeys.$inferInsert) {
  return one(await db.insert(apiKeys).values(values).returning({ id: apiKeys.id }));
}

export async function listApiKeys(db: Db, creditorId: number) {
  return await db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.creditorId, creditorId))
    .orderBy(desc(apiKeys.id));
}

/** True when a live key of this creditor was revoked now. */
export async function revokeApiKey(db: Db, creditorId: number, id: number, at: Date): Promise<boolean> {
  return (
    (
      await db
        .update(apiKeys)
        .set({ revokedAt: at })
        .where(and(eq(apiKeys.id, id), eq(apiKeys.creditorId, creditorId), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id })
    ).length === 1
  );
}

/** The live key with this hash, if any; its last use is recorded. */
export async function useApiKey(db: Db, keyHash: string, at: Date) {
  const key = first(
    await db
      .select({ id: apiKeys.id, creditorId: apiKeys.creditorId })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt))),
  );
  if (key) await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, key.id));
  return key ?? null;
}
