/**
 * The columns of an import file: French or English headers, matched without accents, case,
 * spaces or punctuation ("N° facture" = "numero_facture" = "Invoice number"). One line is one
 * invoice with its debtor; a debtor on several lines is one debtor.
 */
import { fold, FIELD_LABELS, type RawDebtor, type RawInvoice } from "./intake";

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 200_000;
/** A preview nobody confirmed is purged, with its stored file, this long after it was made. */
export const IMPORT_PREVIEW_KEPT_MS = 24 * 60 * 60 * 1000;

export type ColumnSpec = { key: string; french: string; english: string; required: boolean; help: string; aliases: readonly string[] };

export const IMPORT_COLUMNS: readonly ColumnSpec[] = [
  { key: "debtor.externalRef", french: "ref_client", english: "customer_ref", required: true, help: "Votre code client : il relie les factures au client et sert de clé d'un import à l'autre.", aliases: ["reference_client", "code_client", "client_ref", "debtor_ref", "customer_id", "customer_code", "refclient"] },
  { key: "debtor.name", french: "nom_client", english: "customer_name", required: true, help: "Raison sociale ou nom et prénom.", aliases: ["client", "raison_sociale", "nom", "debtor_name", "customer", "name"] },
  { key: "debtor.kind", french: "type_client", english: "customer_type", required: false, help: "« professionnel » (par défaut) ou « particulier » : pas de pénalités ni d'indemnité de 40 € pour un particulier.", aliases: ["type", "kind", "debtor_kind"] },
  { key: "debtor.email", french: "email", english: "email", required: false, help: "Adresse des relances par e-mail.", aliases: ["e_mail", "courriel", "mail", "adresse_email"] },
  { key: "debtor.phone", french: "telephone", english: "phone", required: false, help: "Mobile pour les SMS et appels : 06 12 34 56 78 ou +33 6 12 34 56 78.", aliases: ["tel", "mobile", "portable", "phone_number"] },
  { key: "debtor.siren", french: "siren", english: "siren", required: false, help: "9 chiffres.", aliases: [] },
  { key: "debtor.addressLine", french: "adresse", english: "address", required: false, help: "Pour la mise en demeure par courrier.", aliases: ["address_line", "rue"] },
  { key: "debtor.postalCode", french: "code_postal", english: "postal_code", required: false, help: "", aliases: ["cp", "zip", "zip_code", "postcode"] },
  { key: "debtor.city", french: "ville", english: "city", required: false, help: "", aliases: ["commune", "town"] },
  { key: "debtor.country", french: "pays", english: "country", required: false, help: "Code à 2 lettres (FR par défaut).", aliases: [] },
  { key: "debtor.locale", french: "langue", english: "language", required: false, help: "fr (par défaut) ou en.", aliases: ["locale", "lang"] },
  { key: "debtor.timeZone", french: "fuseau_horaire", english: "time_zone", required: false, help: "Europe/Paris par défaut.", aliases: ["fuseau", "timezone"] },
  { key: "debtor.segment", french: "profil", english: "segment", required: false, help: "standard, « risque élevé » ou « bon payeur ».", aliases: ["profil_client"] },
  { key: "invoice.number", french: "numero_facture", english: "invoice_number", required: true, help: "Tel qu'imprimé sur la facture.", aliases: ["n_facture", "no_facture", "num_facture", "facture", "invoice", "invoice_no", "number"] },
  { key: "invoice.externalRef", french: "ref_facture", english: "invoice_ref", required: false, help: "Identifiant dans votre logiciel, s'il diffère du numéro (par défaut : le numéro).", aliases: ["reference_facture", "invoice_id", "id_facture"] },
  { key: "invoice.amount", french: "montant", english: "amount", required: true, help: "TTC en euros : 1 234,56 ou 1234.56.", aliases: ["montant_ttc", "total", "total_ttc", "amount_due", "montant_eur"] },
  { key: "invoice.currency", french: "devise", english: "currency", required: false, help: "EUR seulement.", aliases: [] },
  { key: "invoice.issueDate", french: "date_facture", english: "issue_date", required: true, help: "jj/mm/aaaa ou aaaa-mm-jj.", aliases: ["date_emission", "date", "invoice_date", "emise_le", "date_de_facture"] },
  { key: "invoice.dueDate", french: "echeance", english: "due_date", required: false, help: "jj/mm/aaaa ou aaaa-mm-jj ; sinon calculée avec le délai.", aliases: ["date_echeance", "due", "date_d_echeance"] },
  { key: "invoice.termsDays", french: "delai_jours", english: "terms_days", required: false, help: "Délai de paiement en jours, si l'échéance manque.", aliases: ["delai", "delai_paiement", "payment_terms_days"] },
  { key: "invoice.terms", french: "conditions", english: "payment_terms", required: false, help: "Par exemple « 45 jours fin de mois » (la limite légale est alors 45 jours fin de mois au lieu de 60 jours).", aliases: ["conditions_paiement", "conditions_de_paiement", "terms"] },
];

const BY_FOLDED = new Map<string, string>();
for (const column of IMPORT_COLUMNS) for (const name of [column.french, column.english, column.key, ...column.aliases]) BY_FOLDED.set(fold(name), column.key);

export type HeaderMap = { ok: true; columns: (string | null)[]; ignored: string[]; headerOf: Record<string, string> } | { ok: false; message: string };

/** Which field each column holds; unknown columns are ignored (and said so), never stored. */
export function mapHeader(header: readonly string[]): HeaderMap {
  const columns: (string | null)[] = [];
  const ignored: string[] = [];
  const headerOf: Record<string, string> = {};
  for (const name of header) {
    const key = BY_FOLDED.get(fold(name)) ?? null;
    if (key && headerOf[key] !== undefined) return { ok: false, message: `Les colonnes « ${headerOf[key]} » et « ${name} » disent la même chose (${FIELD_LABELS[key]}) : gardez-en une.` };
    if (key) headerOf[key] = name;
    else if (name.trim() !== "") ignored.push(name.trim().slice(0, 60));
    columns.push(key);
  }
  const missing = IMPORT_COLUMNS.filter((c) => c.required && headerOf[c.key] === undefined).map((c) => `${c.french} (${FIELD_LABELS[c.key]})`);
  if (missing.length > 0) return { ok: false, message: `Colonnes obligatoires absentes : ${missing.join(", ")}. La première ligne du fichier doit nommer les colonnes.` };
  if (!["invoice.dueDate", "invoice.termsDays", "invoice.terms"].some((k) => headerOf[k] !== undefined))
    return { ok: false, message: "Il faut une colonne « echeance », « delai_jours » ou « conditions » pour connaître la date d'échéance." };
  return { ok: true, columns, ignored, headerOf };
}

/** Excel writes ";" in French locales and "," elsewhere: whichever the header line holds more of (";" on a tie). */
export function guessDelimiter(firstLine: string): ";" | "," {
  return (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
}

/** One line of cells as the intake path's debtor and invoice records. */
export function rowRecords(columns: readonly (string | null)[], cells: readonly string[]): { debtor: RawDebtor; invoice: RawInvoice } {
  const debtor: Record<string, string> = {};
  const invoice: Record<string, string> = {};
  columns.forEach((key, i) => {
    if (!key) return;
    const value = cells[i] ?? "";
    const [entity, field] = key.split(".") as ["debtor" | "invoice", string];
    (entity === "debtor" ? debtor : invoice)[field] = value;
  });
  return { debtor: debtor as RawDebtor, invoice: invoice as RawInvoice };
}

/** The template offered for download: the French headers and two example lines. */
export function templateRows(): { header: string[]; rows: string[][] } {
  const header = IMPORT_COLUMNS.map((c) => c.french);
  const example: Record<string, string>[] = [
    { "debtor.externalRef": "C-0001", "debtor.name": "Boulangerie Martin SARL", "debtor.email": "compta@boulangerie-martin.fr", "debtor.phone": "06 12 34 56 78", "debtor.siren": "123456789", "debtor.addressLine": "12 rue de la République", "debtor.postalCode": "69002", "debtor.city": "Lyon", "invoice.number": "F2026-0101", "invoice.amount": "1 234,56", "invoice.issueDate": "02/11/2026", "invoice.termsDays": "30" },
    { "debtor.externalRef": "C-0002", "debtor.name": "Claire Dubois", "debtor.kind": "particulier", "debtor.email": "claire.dubois@example.fr", "invoice.number": "F2026-0102", "invoice.amount": "480,00", "invoice.issueDate": "05/11/2026", "invoice.dueDate": "05/12/2026" },
  ];
  return { header, rows: example.map((line) => IMPORT_COLUMNS.map((c) => line[c.key] ?? "")) };
}
