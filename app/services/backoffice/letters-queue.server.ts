import { data, redirect } from "@remix-run/node";
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseFields } from "../http/forms.server";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { appendTimeline } from "../../models/timeline.server";
import { listLettersToPost } from "../../models/dashboard.server";
import { localDate } from "../../domain/dates";
import { LETTER_POSTING_BUSINESS_DAYS, letterWait } from "../../domain/letters";
import { listQuery, matchesQuery, parseSort, sortRows } from "../../domain/work-list";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { sha256Bytes } from "../auth/tokens.server";
import { transaction } from "../../../db/client";
import { getLetterOfCreditor, getLetterToPost, setLetterPosted } from "../../models/letters-queue.server";

const SORT_KEYS = ["client", "prepare", "ville"] as const;
const LIST_PARAMS = ["q", "attente", "tri", "ordre"];
const filtersSchema = z.object({
  q: z.string().trim().max(100).catch(""),
  attente: z.enum(["toutes", "en-retard"]).catch("toutes"),
  ouvrir: z.coerce.number().int().positive().optional().catch(undefined),
});

/**
 * Formal notices the cadence queued, for staff to print and post by registered mail: the oldest
 * first, those waiting more than three business days flagged, one opened in place to record its number.
 */
export async function loadLettersToPost(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const params = new URL(request.url).searchParams;
  const filters = filtersSchema.parse(Object.fromEntries(params));
  const sort = parseSort(params, SORT_KEYS, { key: "prepare", direction: "asc" });
  const today = localDate(at, staff.creditorTimeZone);
  const time = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const all = (await listLettersToPost(db, staff.creditorId)).map((letter) => {
    const wait = letterWait(localDate(letter.queuedAt, staff.creditorTimeZone), today);
    return {
      id: letter.id,
      debtorId: letter.debtorId,
      debtorName: letter.debtorName,
      address: [letter.addressLine, `${letter.postalCode ?? ""} ${letter.city ?? ""}`.trim()].filter(Boolean).join(", "),
      city: letter.city,
      queuedAt: time.format(letter.queuedAt),
      queuedAtMs: letter.queuedAt.getTime(),
      businessDays: wait.businessDays,
      late: wait.late,
    };
  });
  const shown = all.filter((l) => (filters.attente === "toutes" || l.late) && matchesQuery(filters.q, l.debtorName, l.address));
  return {
    canPost: staff.role !== "read_only",
    filters,
    sort,
    counts: { all: all.length, late: all.filter((l) => l.late).length },
    postingDays: LETTER_POSTING_BUSINESS_DAYS,
    letters: sortRows(shown, sort, { client: (l) => l.debtorName, prepare: (l) => l.queuedAtMs, ville: (l) => l.city }),
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
export async function markLetterPosted(db: Db, request: Request) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de marquer un courrier.", { status: 403 });
  const form = await readStaffForm(request);
  const parsed = parseFields(postedSchema, form);
  const letterId = Number(form.get("letterId")) || 0;
  if (!parsed.ok) return data({ letterId, error: parsed.errors.trackingNumber ?? "Courrier inconnu." }, { status: 400 });
  const posted = await transaction(db, async (tx) => {
    const letter = await getLetterToPost(tx, staff.creditorId, parsed.data.letterId);
    if (!letter) return false;
    await setLetterPosted(tx, letter.id, parsed.data.trackingNumber.toUpperCase(), at);
    await appendTimeline(tx, {
      creditorId: staff.creditorId,
      debtorId: letter.debtorId,
      type: "letter.posted",
      actor: "staff",
      data: { letterId: letter.id, trackingNumber: parsed.data.trackingNumber.toUpperCase(), sha256: letter.pdfSha256, staff: staff.name },
      occurredAt: at,
    });
    return true;
  });
  if (!posted) return data({ letterId, error: "Ce courrier a déjà été marqué comme posté ou n'existe pas." }, { status: 409 });
  throw redirect(`/backoffice/letters${listQuery(String(form.get("list") ?? ""), LIST_PARAMS)}`, 303);
}

/** The PDF as stored; refused if the file no longer matches the hash recorded when it was made. */
export async function downloadLetter(db: Db, request: Request, letterIdParam: string) {
  const staff = await requireStaff(db, request, now());
  const letter = await getLetterOfCreditor(db, staff.creditorId, Number(letterIdParam) || 0);
  if (!letter) throw new Response("Courrier introuvable.", { status: 404 });
  if (!existsSync(letter.pdfPath))
    throw new Response("Ce courrier a été supprimé à la fin de la durée de conservation des données du client (réglages, « Conservation des données »).", { status: 410 });
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
