import { z } from "zod";
import { firstErrors } from "../http/forms.server";
import type { FieldErrors } from "../../utils/form-flow";
import { transaction, type Db } from "../../../db/client";
import type { creditors } from "../../../db/tables";
import { getCreditor, updateCreditorSettings } from "../../models/creditor-settings.server";
import {
  checkIban,
  checkSenderEmail,
  checkVatNumber,
  compactIdentifier,
  creditorDisplayName,
  formatIban,
  formatRatePercent,
  isHexColor,
  isValidBic,
  isValidSiren,
  isValidSmsSenderId,
  normalizeIban,
  parseContractRatePercent,
} from "../../domain/creditor-settings";
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from "../../domain/retention";
import { now } from "../../clock.server";
import { contractRateFloorError, describeFloor, penaltyRateFloor, type LegalInterestRate } from "../../domain/legal-interest-rates";
import { loadLegalRates } from "../../models/published-rates.server";
import { localDate } from "../../domain/dates";

/** Half-years of French law turn on the French calendar. */
const LEGAL_TIME_ZONE = "Europe/Paris";
import { listAuditEvents, recordAuditEvent } from "../../models/staff-audit.server";
import { requireSameOrigin } from "../http/http.server";
import { hiddenCharacterProblem } from "../../domain/text";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";

type Creditor = typeof creditors.$inferSelect;
type Patch = Partial<Omit<Creditor, "id" | "createdAt">>;

export const SETTINGS_SECTIONS = ["identity", "bank", "penalties", "branding", "senders", "retention"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/** The French names of the fields, as the page and the audit trail say them. */
export const FIELD_LABELS: Record<string, string> = {
  legalName: "Raison sociale",
  tradeName: "Nom commercial",
  legalForm: "Forme juridique",
  siren: "SIREN",
  vatNumber: "N° de TVA intracommunautaire",
  addressLine: "Adresse",
  postalCode: "Code postal",
  city: "Ville",
  country: "Pays",
  email: "E-mail",
  phone: "Téléphone",
  bankAccountHolder: "Titulaire du compte",
  iban: "IBAN",
  bic: "BIC",
  penaltyRateMode: "Taux des pénalités",
  contractPenaltyRateBp: "Taux contractuel",
  recoveryIndemnityEnabled: "Indemnité de 40 €",
  addPenaltiesToAmountDue: "Pénalités ajoutées au montant dû",
  allowPartialPayments: "Paiements partiels",
  displayName: "Nom affiché",
  accentColor: "Couleur d'accent",
  senderName: "Nom de l'expéditeur",
  senderEmail: "E-mail de l'expéditeur",
  smsSenderId: "Expéditeur SMS",
  notificationEmail: "Adresse de notification",
  retentionMonths: "Durée de conservation",
};

export const SECTION_LABELS: Record<SettingsSection, string> = {
  identity: "Identité légale",
  bank: "Coordonnées bancaires",
  penalties: "Pénalités de retard",
  branding: "Image de marque",
  senders: "Expéditeurs",
  retention: "Conservation des données",
};

/**
 * Every setting is one line that may reach an email header, an SMS sender, a letter or a page: a
 * line break, control, bidi or zero-width character is refused with its own message.
 */
const oneLine = z.string().superRefine((v, ctx) => {
  const problem = hiddenCharacterProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
});
/** An empty field means "none": stored as null. */
const optional = (max: number) =>
  oneLine
    .trim()
    .max(max, { error: `${max} caractères au plus.` })
    .transform((v) => (v === "" ? null : v));
const required = (message: string, max = 200) =>
  oneLine
    .trim()
    .min(1, { error: message })
    .max(max, { error: `${max} caractères au plus.` });
const checkbox = z.unknown().transform((v) => v === "on");

const identitySchema = z
  .object({
    legalName: required("Indiquez la raison sociale."),
    tradeName: optional(200),
    legalForm: optional(120),
    siren: optional(20).refine((v) => v === null || isValidSiren(v), {
      error: "Ce SIREN n'est pas valable : 9 chiffres dont le dernier est une clé (Luhn). Vérifiez-le sur votre extrait Kbis.",
    }),
    vatNumber: optional(20),
    addressLine: required("Indiquez l'adresse du siège."),
    postalCode: required("Indiquez le code postal.", 10),
    city: required("Indiquez la ville.", 120),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, { error: "Le pays s'écrit en deux lettres (FR, BE…)." }),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email({ error: "Cette adresse e-mail n'est pas valable." })),
    phone: optional(30).refine((v) => v === null || /^\+?[0-9][0-9 .]{5,19}$/.test(v), { error: "Ce numéro n'est pas valable : chiffres, espaces et + au début." }),
  })
  .superRefine((v, ctx) => {
    if (v.country === "FR" && !/^\d{5}$/.test(v.postalCode)) ctx.addIssue({ code: "custom", path: ["postalCode"], message: "Un code postal français a 5 chiffres." });
    if (v.vatNumber !== null) {
      const vat = checkVatNumber(v.vatNumber, v.siren && isValidSiren(v.siren) ? compactIdentifier(v.siren) : null);
      if (!vat.ok) {
        const message = {
          format: "Ce numéro de TVA n'est pas valable : deux lettres de pays puis le numéro (FR et 11 chiffres en France).",
          key: "La clé de ce numéro de TVA (les 2 chiffres après FR) ne correspond pas au SIREN qui suit.",
          siren_mismatch: "Ce numéro de TVA ne contient pas le SIREN indiqué ci-dessus.",
        }[vat.reason];
        ctx.addIssue({ code: "custom", path: ["vatNumber"], message });
      }
    }
  })
  .transform((v) => ({
    ...v,
    siren: v.siren === null ? null : compactIdentifier(v.siren),
    vatNumber: v.vatNumber === null ? null : compactIdentifier(v.vatNumber),
  }));

const bankSchema = z
  .object({
    bankAccountHolder: optional(140),
    iban: optional(50),
    bic: optional(20).refine((v) => v === null || isValidBic(v), { error: "Ce BIC n'est pas valable : 8 ou 11 caractères (banque, pays, ville, agence), par exemple BNPAFRPP." }),
  })
  .superRefine((v, ctx) => {
    if (v.iban !== null) {
      const iban = checkIban(v.iban);
      if (!iban.ok) {
        const message = {
          format: "Cet IBAN n'est pas valable : deux lettres de pays, deux chiffres de clé, puis le numéro de compte.",
          length: "Cet IBAN n'a pas la longueur prévue pour son pays (27 caractères en France).",
          checksum: "Cet IBAN n'est pas valable : sa clé de contrôle ne correspond pas. Vérifiez-le sur votre RIB.",
        }[iban.reason];
        ctx.addIssue({ code: "custom", path: ["iban"], message });
      }
      if (v.bankAccountHolder === null) ctx.addIssue({ code: "custom", path: ["bankAccountHolder"], message: "Indiquez le titulaire du compte, tel qu'il figure sur le RIB." });
    }
  })
  .transform((v) => ({ ...v, iban: v.iban === null ? null : normalizeIban(v.iban), bic: v.bic === null ? null : compactIdentifier(v.bic) }));

const penaltiesSchema = z
  .object({
    penaltyRateMode: z.enum(["ecb_plus_10", "contract"], { error: "Choisissez comment le taux est fixé." }),
    contractRate: z.string().trim(),
    recoveryIndemnityEnabled: checkbox,
    addPenaltiesToAmountDue: checkbox,
    allowPartialPayments: checkbox,
  })
  .transform((v, ctx) => {
    const bp = v.contractRate === "" ? null : parseContractRatePercent(v.contractRate);
    if (v.penaltyRateMode === "contract" && bp === null) {
      ctx.addIssue({ code: "custom", path: ["contractRate"], message: "Indiquez le taux contractuel en %, plus de 0 et au plus 50, par exemple 12,5." });
      return z.NEVER;
    }
    if (v.penaltyRateMode === "ecb_plus_10" && v.contractRate !== "" && bp === null) {
      ctx.addIssue({ code: "custom", path: ["contractRate"], message: "Ce taux n'est pas valable : plus de 0 et au plus 50 %, par exemple 12,5." });
      return z.NEVER;
    }
    return {
      penaltyRateMode: v.penaltyRateMode,
      contractPenaltyRateBp: bp,
      recoveryIndemnityEnabled: v.recoveryIndemnityEnabled,
      addPenaltiesToAmountDue: v.addPenaltiesToAmountDue,
      allowPartialPayments: v.allowPartialPayments,
    };
  });

const brandingSchema = z.object({
  displayName: optional(80),
  accentColor: optional(7)
    .transform((v) => v?.toLowerCase() ?? null)
    .refine((v) => v === null || isHexColor(v), { error: "La couleur s'écrit #rrggbb, par exemple #1d4ed8." }),
});

const sendersSchema = z.object({
  senderName: optional(80).refine((v) => v === null || !/[<>"@\r\n]/.test(v), { error: "Le nom de l'expéditeur ne peut contenir ni <, >, \", @ ni retour à la ligne." }),
  senderEmail: optional(254)
    .superRefine((v, ctx) => {
      if (v === null) return;
      const check = checkSenderEmail(v);
      if (check.ok) return;
      const message = {
        format: "Cette adresse e-mail n'est pas valable.",
        domain: "Le domaine de cette adresse n'est pas valable : il faut un nom de domaine complet, par exemple atelier-durand.fr.",
        public_mailbox: "Utilisez une adresse de votre propre domaine : une messagerie publique (Gmail, Orange…) ne permet pas d'envoyer en son nom.",
      }[check.reason];
      ctx.addIssue({ code: "custom", message });
    })
    .transform((v) => v?.toLowerCase() ?? null),
  smsSenderId: optional(20).refine((v) => v === null || isValidSmsSenderId(v), {
    error: "L'expéditeur SMS a 3 à 11 lettres ou chiffres, sans espace ni accent, avec au moins une lettre.",
  }),
  // M22: where copies of debtors' commitments go; empty, to every owner.
  notificationEmail: optional(254)
    .refine((v) => v === null || z.email().safeParse(v).success, { error: "Cette adresse e-mail n'est pas valable." })
    .transform((v) => v?.toLowerCase() ?? null),
});

const retentionSchema = z.object({
  retentionMonths: z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `Indiquez un nombre entier de mois, de ${MIN_RETENTION_MONTHS} à ${MAX_RETENTION_MONTHS}.` })
    .transform(Number)
    .refine((v) => v >= MIN_RETENTION_MONTHS, { error: `Au moins ${MIN_RETENTION_MONTHS} mois : le temps de régler les suites d'un dossier clos.` })
    .refine((v) => v <= MAX_RETENTION_MONTHS, { error: `Au plus ${MAX_RETENTION_MONTHS} mois (10 ans, la durée de conservation des pièces comptables).` }),
});

const schemas = {
  identity: identitySchema,
  bank: bankSchema,
  penalties: penaltiesSchema,
  branding: brandingSchema,
  senders: sendersSchema,
  retention: retentionSchema,
} satisfies Record<SettingsSection, z.ZodType>;

const sectionFields: Record<SettingsSection, string[]> = {
  identity: ["legalName", "tradeName", "legalForm", "siren", "vatNumber", "addressLine", "postalCode", "city", "country", "email", "phone"],
  bank: ["bankAccountHolder", "iban", "bic"],
  penalties: ["penaltyRateMode", "contractRate", "recoveryIndemnityEnabled", "addPenaltiesToAmountDue", "allowPartialPayments"],
  branding: ["displayName", "accentColor"],
  senders: ["senderName", "senderEmail", "smsSenderId", "notificationEmail"],
  retention: ["retentionMonths"],
};

export type SettingsResult =
  { status: "error"; section: SettingsSection; fields: FieldErrors; values: Record<string, string> } | { status: "saved"; section: SettingsSection; changed: string[] };

function staffRole(role: string) {
  return { owner: "propriétaire", agent: "agent", read_only: "lecture seule" }[role] ?? role;
}

export async function loadSettings(db: Db, request: Request) {
  const staff = await requireStaff(db, request, now());
  const creditor = await getCreditor(db, staff.creditorId);
  if (!creditor) throw new Response("Not found", { status: 404 });
  const canEdit = staff.role === "owner";
  const time = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeStyle: "short", timeZone: creditor.timeZone });
  return {
    canEdit,
    roleLabel: staffRole(staff.role),
    creditorName: creditorDisplayName(creditor),
    values: formValues(creditor),
    contractRateFloor: describeFloor(penaltyRateFloor(localDate(now(), LEGAL_TIME_ZONE), await loadLegalRates(db))),
    ibanGrouped: creditor.iban ? formatIban(creditor.iban) : null,
    // Who changed what is for owners to see; others see the settings only.
    audit: canEdit
      ? (await listAuditEvents(db, staff.creditorId, ["settings.updated"], 30)).map((e) => {
          const data = e.data as { section?: SettingsSection; fields?: string[] };
          return {
            id: e.id,
            at: time.format(e.occurredAt),
            who: e.actorName,
            section: data.section ? SECTION_LABELS[data.section] : "",
            fields: (data.fields ?? []).map((f) => FIELD_LABELS[f] ?? f),
          };
        })
      : [],
  };
}

function formValues(c: Creditor): Record<string, string> {
  const text = (v: string | null) => v ?? "";
  return {
    legalName: c.legalName,
    tradeName: text(c.tradeName),
    legalForm: text(c.legalForm),
    siren: text(c.siren),
    vatNumber: text(c.vatNumber),
    addressLine: c.addressLine,
    postalCode: c.postalCode,
    city: c.city,
    country: c.country,
    email: c.email,
    phone: text(c.phone),
    bankAccountHolder: text(c.bankAccountHolder),
    iban: c.iban ? formatIban(c.iban) : "",
    bic: text(c.bic),
    penaltyRateMode: c.penaltyRateMode,
    contractRate: c.contractPenaltyRateBp === null ? "" : formatRatePercent(c.contractPenaltyRateBp),
    recoveryIndemnityEnabled: c.recoveryIndemnityEnabled ? "on" : "",
    addPenaltiesToAmountDue: c.addPenaltiesToAmountDue ? "on" : "",
    allowPartialPayments: c.allowPartialPayments ? "on" : "",
    displayName: text(c.displayName),
    accentColor: text(c.accentColor),
    senderName: text(c.senderName),
    senderEmail: text(c.senderEmail),
    smsSenderId: text(c.smsSenderId),
    notificationEmail: text(c.notificationEmail),
    retentionMonths: String(c.retentionMonths),
  };
}

/** One section's form: checked whole, then written with its audit event in one transaction, or nothing at all. */
export async function updateSettings(db: Db, request: Request): Promise<SettingsResult> {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role !== "owner") throw new Response("Seuls les propriétaires du compte peuvent modifier les réglages.", { status: 403 });
  const form = await readStaffForm(request);
  const section = SETTINGS_SECTIONS.find((s) => s === form.get("section"));
  if (!section) throw new Response("Section inconnue.", { status: 400 });
  const raw = Object.fromEntries(sectionFields[section].map((name) => [name, form.get(name) ?? undefined]));
  const schema: z.ZodType<Patch> = schemas[section];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
    return { status: "error", section, fields: firstErrors(parsed.error), values };
  }
  const floorError = contractRateProblem(parsed.data, at, await loadLegalRates(db));
  if (floorError) {
    const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
    return { status: "error", section, fields: { contractRate: floorError }, values };
  }
  const changed = await saveSection(db, staff, section, parsed.data, at);
  return { status: "saved", section, changed: changed.map((f) => FIELD_LABELS[f] ?? f) };
}

/** L441-10: a contractual rate below three times the legal rate of the current half-year is refused. */
function contractRateProblem(patch: Patch, at: Date, legalRates: readonly LegalInterestRate[]): string | null {
  if (!("penaltyRateMode" in patch) || patch.penaltyRateMode !== "contract" || typeof patch.contractPenaltyRateBp !== "number") return null;
  return contractRateFloorError(patch.contractPenaltyRateBp, localDate(at, LEGAL_TIME_ZONE), legalRates);
}

/** Issues by field; an issue with no path (a refine on the whole field) belongs to the first one. */
async function saveSection(db: Db, staff: { id: number; creditorId: number }, section: SettingsSection, patch: Patch, at: Date): Promise<string[]> {
  return await transaction(db, async (tx) => {
    const current = await getCreditor(tx, staff.creditorId);
    if (!current) throw new Response("Not found", { status: 404 });
    const changes = Object.fromEntries(Object.entries(patch).filter(([key, value]) => current[key as keyof Creditor] !== value)) as Patch;
    const fields = Object.keys(changes);
    if (fields.length === 0) return fields;
    await updateCreditorSettings(tx, staff.creditorId, changes);
    // The names of the fields, never their values: the trail is no second copy of an IBAN.
    await recordAuditEvent(tx, { creditorId: staff.creditorId, actorStaffUserId: staff.id, action: "settings.updated", data: { section, fields }, occurredAt: at });
    return fields;
  });
}
