import { data, redirect } from "@remix-run/node";
import { existsSync, readFileSync } from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { debtors, letters } from "../../../db/schema";
import { getDb } from "../../db.server";
import { now } from "../../clock.server";
import { appendTimeline } from "../../models/timeline.server";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { sha256Bytes } from "../auth/tokens.server";

/** Formal notices the cadence queued, for staff to print and post by registered mail. */
export async function loadLettersToPost(request: Request) {
  const db = getDb();
  const at = now();
  const staff = await requireStaff(db, request, at);
  const time = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const rows = db
    .select({ letter: letters, debtor: { name: debtors.name, addressLine: debtors.addressLine, postalCode: debtors.postalCode, city: debtors.city } })
    .from(letters)
    .innerJoin(debtors, eq(debtors.id, letters.debtorId))
    .where(and(eq(letters.creditorId, staff.creditorId), eq(letters.status, "to_post")))
    .orderBy(asc(letters.createdAt))
    .all();
  return {
    canPost: staff.role !== "read_only",
    letters: rows.map(({ letter, debtor }) => ({
      id: letter.id,
      debtorId: letter.debtorId,
      debtorName: debtor.name,
      address: [debtor.addressLine, `${debtor.postalCode ?? ""} ${debtor.city ?? ""}`.trim()].filter(Boolean).join(", "),
      queuedAt: time.format(letter.createdAt),
      sha256: letter.pdfSha256,
    })),
  };
}

const postedSchema = z.object({
  letterId: z.coerce.number().int().positive(),
  trackingNumber: z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{8,20}$/i, { error: "Saisissez le numéro de l'envoi recommandé (8 à 20 lettres et chiffres, sans espace)." }),
});

/** Staff say the letter left by registered mail: the timeline keeps the tracking number as evidence (L13). */
export async function markLetterPosted(request: Request) {
  requireSameOrigin(request);
  const db = getDb();
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de marquer un courrier.", { status: 403 });
  const form = await readStaffForm(request);
  const parsed = postedSchema.safeParse(Object.fromEntries(form));
  const letterId = Number(form.get("letterId")) || 0;
  if (!parsed.success) return data({ letterId, error: z.flattenError(parsed.error).fieldErrors.trackingNumber?.[0] ?? "Courrier inconnu." }, { status: 400 });
  const posted = db.transaction(
    (tx) => {
      const letter = tx.select().from(letters).where(and(eq(letters.id, parsed.data.letterId), eq(letters.creditorId, staff.creditorId), eq(letters.status, "to_post"))).get();
      if (!letter) return false;
      tx.update(letters).set({ status: "posted", trackingNumber: parsed.data.trackingNumber.toUpperCase(), postedAt: at }).where(eq(letters.id, letter.id)).run();
      appendTimeline(tx, {
        creditorId: staff.creditorId,
        debtorId: letter.debtorId,
        type: "letter.posted",
        actor: "staff",
        data: { letterId: letter.id, trackingNumber: parsed.data.trackingNumber.toUpperCase(), sha256: letter.pdfSha256, staff: staff.name },
        occurredAt: at,
      });
      return true;
    },
    { behavior: "immediate" },
  );
  if (!posted) return data({ letterId, error: "Ce courrier a déjà été marqué comme posté ou n'existe pas." }, { status: 409 });
  throw redirect("/backoffice/letters", 303);
}

/** The PDF as stored; refused if the file no longer matches the hash recorded when it was made. */
export async function downloadLetter(request: Request, letterIdParam: string) {
  const db = getDb();
  const staff = await requireStaff(db, request, now());
  const letter = db.select().from(letters).where(and(eq(letters.id, Number(letterIdParam) || 0), eq(letters.creditorId, staff.creditorId))).get();
  if (!letter) throw new Response("Courrier introuvable.", { status: 404 });
  if (!existsSync(letter.pdfPath)) throw new Response("Ce courrier a été supprimé à la fin de la durée de conservation des données du client (réglages, « Conservation des données »).", { status: 410 });
  const bytes = readFileSync(letter.pdfPath);
  if (sha256Bytes(bytes) !== letter.pdfSha256) {
    throw new Response("Le fichier de ce courrier a été modifié depuis sa création : ne l'envoyez pas, prévenez un administrateur.", { status: 500 });
  }
  return new Response(bytes, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="mise-en-demeure-${letter.id}.pdf"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
