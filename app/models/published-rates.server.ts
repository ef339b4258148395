import type { Db } from "../../db/client";
import { publishedRates } from "../../db/schema";
import { preparedOnce } from "./prepared.server";
import { mergeEcbRates, mergeLegalRates, type PublishedRate } from "../domain/published-rates";

/** Read for every reminder's penalties: prepared once per connection. */
const allRates = preparedOnce((db: Pick<Db, "select">) =>
  db.select({ kind: publishedRates.kind, effectiveFrom: publishedRates.effectiveFrom, rateBp: publishedRates.rateBp, source: publishedRates.source }).from(publishedRates).prepare(),
);

export function listPublishedRates(db: Pick<Db, "select">): PublishedRate[] {
  return allRates(db).all();
}

/** The ECB table penalties use: the code's, with the rates added since. */
export function loadEcbTable(db: Pick<Db, "select">) {
  return mergeEcbRates(listPublishedRates(db));
}

export function loadLegalRates(db: Pick<Db, "select">) {
  return mergeLegalRates(listPublishedRates(db));
}

/** False when a rate of that kind is already stored for that date (nothing is overwritten). */
export function insertPublishedRate(db: Db, rate: PublishedRate, at: Date): boolean {
  return db.insert(publishedRates).values({ ...rate, createdAt: at }).onConflictDoNothing().run().changes === 1;
}
