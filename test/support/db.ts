import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type SqliteDb } from "../../db/client";
import { runMigrations } from "../../db/migrate";
import { seedDemo } from "../../db/seed";

/** A fresh SQLite file with the real migrations applied. */
export function freshDb(): { db: SqliteDb; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), "relance-test-")), "test.db");
  const db = openDatabase(path);
  runMigrations(db);
  return { db, path };
}

// A precomputed scrypt hash of "relance-demo" would tie tests to parameters; the seed only needs a string here.
export const UNUSED_PASSWORD_HASH = "scrypt$131072$8$1$unused$unused";

export async function seededDb(today: string) {
  const fresh = freshDb();
  await seedDemo(fresh.db, { today, passwordHash: UNUSED_PASSWORD_HASH });
  return fresh;
}
