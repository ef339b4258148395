import type { Db } from "../../db/client";
import { publishedRates } from "../../db/tables";
import { preparedOnce } from "./prepared.server";
import { mergeEcbRates, mergeLegalRates, type PublishedRate } from "../domain/published-rates";

/** Read for every reminder's penalties: prepared once per connection. */
const allRates = preparedOnce((db: Pick<Db, "select">) =>
  db
    .select({ kind: publishedRates.kind, effectiveFrom: publishedRates.effectiveFrom, rateBp: publishedRates.rateBp, source: publishedRates.source })
    .from(publishedRates)
    .prepare(),
);

export async function listPublishedRates(db: Pick<Db, "select">): Promise<PublishedRate[]> {
  return await allRates(db).execute();
}

/** The ECB table penalties use: the code's, with the rates added since. */
export async function loadEcbTable(db: Pick<Db, "select">) {
  return mergeEcbRates(await listPublishedRates(db));
}

export async function loadLegalRates(db: Pick<Db, "select">) {
  return mergeLegalRates(await listPublishedRates(db));
}

/** False when a rate of that kind is already stored for that date (nothing is overwritten). */
export async function insertPublishedRate(db: Db, rate: PublishedRate, at: Date): Promise<boolean> {
  return (
    (
      await db
        .insert(publishedRates)
        .values({ ...rate, createdAt: at })
        .onConflictDoNothing()
        .returning({ id: publishedRates.id })
    ).length === 1
  );
}
