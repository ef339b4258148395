import Database from "better-sqlite3";
import { transaction, type Db } from "../../../db/client";
import type { debtorContacts, debtors, invoiceTermsFlags, invoices } from "../../../db/tables";
import type { ImportCounts } from "../../../db/schema";
import { timeBarredWarning } from "../../domain/prescription";
import {
  checkDebtor,
  checkInvoice,
  debtorChanges,
  invoiceChange,
  termsWarning,
  type DebtorKind,
  type DebtorRecord,
  type InvoiceRecord,
  type Issue,
  type RawDebtor,
  type RawInvoice,
  type StoredDebtor,
  type StoredInvoice,
} from "../../domain/intake";
import type { CalendarDate } from "../../domain/dates";
import {
  findContactsOfDebtors,
  findDebtorsByRefs,
  findInvoicesByRefsOrNumbers,
  insertContacts,
  insertDebtors,
  insertInvoices,
  insertTermsFlags,
  setTermsFlag,
  updateDebtor,
  updateInvoice,
} from "../../models/intake.server";

/**
 * The one intake service behind the CSV import and the JSON API: rows are checked by the domain,
 * compared with what is stored (upsert by external reference, per creditor), and written in one
 * transaction per chunk. The same code previews (write: false): it decides everything, writes nothing.
 */

/** One line of a file or one item of an API call: a debtor, an invoice, or both (the invoice's debtor). */
export type IntakeRow = { rowNumber: number; debtor?: RawDebtor; invoice?: RawInvoice };
export type Action = "created" | "updated" | "unchanged";
export type RowOutcome = {
  rowNumber: number;
  debtor?: { action: Action; externalRef: string };
  invoice?: { action: Action; externalRef: string };
  errors: Issue[];
  warnings: Issue[];
};

type KnownDebtor = {
  id: number | null;
  stored: StoredDebtor;
  emails: Set<string>;
  phones: Set<string>;
  contactCount: number;
  /** Created by this chunk (an import) or by this preview, not stored yet. */
  created: boolean;
  /** An import's chunk that has not written it yet: the values to insert (later rows of the chunk amend them). */
  pending?: typeof debtors.$inferInsert;
};
type KnownInvoice = { id: number | null; externalRef: string; stored: StoredInvoice; created: boolean; pending?: Omit<typeof invoices.$inferInsert, "debtorId"> };

type Writes = {
  newDebtors: (typeof debtors.$inferInsert & { externalRef: string })[];
  debtorUpdates: { ref: string; set: Partial<typeof debtors.$inferInsert> }[];
  newContacts: { ref: string; values: Omit<typeof debtorContacts.$inferInsert, "debtorId"> }[];
  newInvoices: { debtorRef: string; values: Omit<typeof invoices.$inferInsert, "debtorId"> & { externalRef: string }; warning: string | null }[];
  invoiceUpdates: { ref: string; set: Partial<typeof invoices.$inferInsert>; warning?: string | null }[];
};

/** What a preview remembers of a debtor and of an invoice: what later rows are compared with. */
const DEBTOR_PACKED = ["name", "kind", "siren", "addressLine", "postalCode", "city", "country", "locale", "timeZone", "segment"] as const satisfies readonly (keyof StoredDebtor)[];
const INVOICE_PACKED = [
  "debtorRef",
  "number",
  "amountCents",
  "balanceCents",
  "currency",
  "issueDate",
  "dueDate",
  "paymentTermsDays",
  "status",
  "termsWarning",
  "hasPayments",
] as const satisfies readonly (keyof StoredInvoice)[];

const DEBTOR = 0;
const INVOICE = 1;

/**
 * What a preview has seen and decided, from one chunk to the next: every debtor and invoice of the
 * file, one JSON string each ("" for a ref known not to be stored), in an in-memory SQLite database
 * of its own rather than as objects on the JS heap, where 100,000 of them (and the garbage their
 * updates leave) would weigh several times more. Each chunk reads what it names and writes back what it touched.
 */
class PreviewMemory {
  private readonly db = new Database(":memory:");
  private readonly select;
  private readonly upsert;

  constructor() {
    this.db.exec("create table seen (kind integer not null, ref text not null, packed text not null, primary key (kind, ref)) without rowid");
    this.select = this.db.prepare<[number, string], { ref: string; packed: string }>("select ref, packed from seen where kind = ? and ref in (select value from json_each(?))");
    this.upsert = this.db.prepare<[number, string]>("insert or replace into seen (kind, ref, packed) select ?, value ->> 0, value ->> 1 from json_each(?)");
  }

  read(kind: number, refs: readonly string[]): Map<string, string> {
    if (refs.length === 0) return new Map();
    return new Map(this.select.all(kind, JSON.stringify(refs)).map((r) => [r.ref, r.packed]));
  }

  write(kind: number, entries: readonly [string, string][]) {
    if (entries.length > 0) this.upsert.run(kind, JSON.stringify(entries));
  }

  close() {
    this.db.close();
  }
}

export type IntakeOptions = { creditorId: number; today: CalendarDate; at: Date };

/** What a whole run has seen, so that a debtor on many lines is counted once, at its strongest action. */
export class IntakeTally {
  private readonly debtors = new Map<string, Action>();
  private readonly invoices = new Map<string, Action>();
  errors = 0;
  warnings = 0;
  add(outcome: RowOutcome) {
    if (outcome.errors.length > 0) this.errors++;
    if (outcome.warnings.length > 0) this.warnings++;
    if (outcome.debtor) this.debtors.set(outcome.debtor.externalRef, strongest(this.debtors.get(outcome.debtor.externalRef), outcome.debtor.action));
    if (outcome.invoice) this.invoices.set(outcome.invoice.externalRef, strongest(this.invoices.get(outcome.invoice.externalRef), outcome.invoice.action));
  }
  counts(): ImportCounts {
    const count = (map: Map<string, Action>) => {
      const out = { created: 0, updated: 0, unchanged: 0 };
      for (const action of map.values()) out[action]++;
      return out;
    };
    return { debtors: count(this.debtors), invoices: count(this.invoices), errors: this.errors, warnings: this.warnings };
  }
}
const RANK: Record<Action, number> = { unchanged: 0, updated: 1, created: 2 };
const strongest = (a: Action | undefined, b: Action): Action => (a === undefined || RANK[b] > RANK[a] ? b : a);

/**
 * Decides (and, when `write`, writes) a chunk of rows. A refused row writes nothing at all; the
 * others are applied in order, so a later line may amend what an earlier one created. `overlay`
 * carries what a preview has "created" from one chunk to the next; an import reads fresh state.
 */
export class IntakeSession {
  private readonly debtorsByRef = new Map<string, KnownDebtor | null>();
  private readonly invoicesByRef = new Map<string, KnownInvoice | null>();
  /** Numbers of invoices whose ref is another string; an invoice numbered as its ref (most) is found by its ref (`numberOwner`). */
  private readonly invoiceRefByNumber = new Map<string, string>();
  /** A preview's memory between chunks (see PreviewMemory), and what of it the chunk at hand has read. */
  private readonly memory: PreviewMemory | null;
  private seenDebtors = new Map<string, string>();
  private seenInvoices = new Map<string, string>();

  constructor(
    private readonly options: IntakeOptions,
    private readonly write: boolean,
  ) {
    this.memory = write ? null : new PreviewMemory();
  }

  /** A preview's memory is freed here (an import holds none). */
  close() {
    this.memory?.close();
  }

  /** Runs one chunk; in write mode inside one IMMEDIATE transaction of its own. */
  async run(db: Db, rows: readonly IntakeRow[], afterChunk?: (tx: Db, outcomes: RowOutcome[]) => Promise<void>): Promise<RowOutcome[]> {
    if (!this.write) {
      const outcomes = await this.chunk(db, rows, null);
      this.settle();
      return outcomes;
    }
    return await transaction(db, async (tx) => {
      // Fresh state for every chunk of an import: another request may have written meanwhile.
      this.debtorsByRef.clear();
      this.invoicesByRef.clear();
      this.invoiceRefByNumber.clear();
      const writes: Writes = { newDebtors: [], debtorUpdates: [], newContacts: [], newInvoices: [], invoiceUpdates: [] };
      const outcomes = await this.chunk(tx as unknown as Db, rows, writes);
      await this.flush(tx as unknown as Db, writes);
      await afterChunk?.(tx, outcomes);
      return outcomes;
    });
  }

  private async chunk(db: Db, rows: readonly IntakeRow[], writes: Writes | null): Promise<RowOutcome[]> {
    const checked = rows.map((row) => {
      const debtor = row.debtor ? checkDebtor(row.debtor) : null;
      const invoice = row.invoice ? checkInvoice({ ...row.invoice, ...(row.debtor ? { debtorRef: row.debtor.externalRef } : {}) }, this.options.today) : null;
      return { row, debtor, invoice };
    });
    await this.load(
      db,
      checked.flatMap(({ debtor, invoice }) => [debtor?.ok ? debtor.value.externalRef : null, invoice?.ok ? invoice.value.debtorRef : null]).filter((r): r is string => r !== null),
      checked.flatMap(({ invoice }) => (invoice?.ok ? [invoice.value] : [])),
    );
    return checked.map(({ row, debtor, invoice }) => {
      const errors = [...(debtor && !debtor.ok ? debtor.errors : []), ...(invoice && !invoice.ok ? invoice.errors : [])];
      const outcome: RowOutcome = { rowNumber: row.rowNumber, errors, warnings: [] };
      if (errors.length > 0) return outcome;
      this.apply(outcome, debtor?.ok ? debtor.value : null, invoice?.ok ? invoice.value : null, writes);
      return outcome;
    });
  }

  /** Reads what is stored for refs this session has not seen yet. */
  private async load(db: Db, debtorRefs: string[], records: InvoiceRecord[]) {
    const { creditorId } = this.options;
    const unseenDebtorRefs = [...new Set(debtorRefs)].filter((ref) => !this.debtorsByRef.has(ref));
    if (this.memory) {
      this.seenDebtors = this.memory.read(DEBTOR, unseenDebtorRefs);
      this.seenInvoices = this.memory.read(
        INVOICE,
        [...new Set(records.flatMap((r) => [r.externalRef, r.number]))].filter((ref) => !this.invoicesByRef.has(ref)),
      );
    }
    const newDebtorRefs = unseenDebtorRefs.filter((ref) => !this.unpackDebtor(ref));
    if (newDebtorRefs.length > 0) {
      const found = await findDebtorsByRefs(db, creditorId, newDebtorRefs);
      const byId = new Map<number, KnownDebtor>();
      for (const { id, externalRef, ...stored } of found) {
        const known: KnownDebtor = { id, stored, emails: new Set(), phones: new Set(), contactCount: 0, created: false };
        this.debtorsByRef.set(externalRef!, known);
        byId.set(id, known);
      }
      for (const contact of await findContactsOfDebtors(db, [...byId.keys()])) {
        const known = byId.get(contact.debtorId)!;
        known.contactCount++;
        if (contact.email) known.emails.add(contact.email.toLowerCase());
        if (contact.phone) known.phones.add(contact.phone);
      }
      for (const ref of newDebtorRefs) if (!this.debtorsByRef.has(ref)) this.debtorsByRef.set(ref, null);
    }
    const refs = [...new Set(records.map((r) => r.externalRef))].filter((ref) => !this.invoicesByRef.has(ref) && !this.unpackInvoice(ref));
    const numbers = [...new Set(records.map((r) => r.number))].filter((n) => this.numberOwner(n) === undefined);
    if (refs.length + numbers.length > 0) {
      const found = await findInvoicesByRefsOrNumbers(db, creditorId, refs, numbers);
      if (this.memory) {
        // Found by number, under a ref this chunk does not name: the preview may know it already.
        const others = found.map((f) => f.externalRef ?? `#${f.id}`).filter((ref) => !this.invoicesByRef.has(ref) && !this.seenInvoices.has(ref));
        for (const [ref, packed] of this.memory.read(INVOICE, others)) this.seenInvoices.set(ref, packed);
      }
      for (const { id, externalRef, hasPayments, ...stored } of found) {
        const ref = externalRef ?? `#${id}`;
        if (!this.invoicesByRef.get(ref) && !this.seenInvoices.get(ref))
          this.invoicesByRef.set(ref, { id, externalRef: ref, stored: { ...stored, hasPayments: Boolean(hasPayments) }, created: false });
        this.setNumberOwner(stored.number, ref);
      }
      for (const ref of refs) if (!this.invoicesByRef.has(ref)) this.invoicesByRef.set(ref, null);
    }
  }

  private apply(outcome: RowOutcome, debtor: DebtorRecord | null, invoice: InvoiceRecord | null, writes: Writes | null) {
    // Decide everything first: a refusal of the invoice must leave the debtor's line unwritten too.
    const knownDebtor = debtor ? (this.debtorsByRef.get(debtor.externalRef) ?? null) : null;
    const debtorRef = debtor?.externalRef ?? invoice!.debtorRef;
    const owner = debtor ? knownDebtor : (this.debtorsByRef.get(debtorRef) ?? null);
    let kind: DebtorKind | undefined = debtor?.kind ?? owner?.stored.kind;
    if (!debtor && invoice && !owner) {
      outcome.errors.push({ field: "invoice.debtorRef", message: `Client inconnu (réf. ${invoice.debtorRef}) : envoyez d'abord le client, ou ses colonnes avec la facture.` });
      return;
    }
    kind ??= "business";

    let invoiceDecision: { kind: "create"; warning: string | null } | { kind: "change"; known: KnownInvoice; change: ReturnType<typeof invoiceChange> } | null = null;
    if (invoice) {
      const warning = termsWarning(invoice.issueDate, invoice.dueDate, invoice.endOfMonth45, kind);
      const known = this.invoicesByRef.get(invoice.externalRef) ?? null;
      const numberOwner = this.numberOwner(invoice.number);
      if (numberOwner !== undefined && numberOwner !== invoice.externalRef) {
        outcome.errors.push({ field: "invoice.number", message: `Le numéro ${invoice.number} est déjà celui d'une autre facture (réf. ${numberOwner}).` });
        return;
      }
      if (known) {
        const change = invoiceChange(known.stored, invoice, warning);
        if (change.kind === "refused") {
          outcome.errors.push(change.error);
          return;
        }
        invoiceDecision = { kind: "change", known, change };
      } else invoiceDecision = { kind: "create", warning };
      if (warning) outcome.warnings.push({ field: "invoice.dueDate", message: warning });
      const barred = timeBarredWarning(kind, invoice.dueDate, this.options.today);
      if (barred) outcome.warnings.push({ field: "invoice.dueDate", message: barred });
    }

    if (debtor) outcome.debtor = { action: this.applyDebtor(debtor, knownDebtor, writes), externalRef: debtor.externalRef };
    if (invoice && invoiceDecision) outcome.invoice = { action: this.applyInvoice(invoice, debtorRef, invoiceDecision, writes), externalRef: invoice.externalRef };
  }

  private applyDebtor(record: DebtorRecord, known: KnownDebtor | null, writes: Writes | null): Action {
    const contact = (existing: KnownDebtor | null) => {
      const email = record.email && !existing?.emails.has(record.email) ? record.email : undefined;
      const phone = record.phone && !existing?.phones.has(record.phone) ? record.phone : undefined;
      return email || phone ? { email: email ?? null, phone: phone ?? null, isPrimary: (existing?.contactCount ?? 0) === 0 } : null;
    };
    if (!known) {
      const values = {
        creditorId: this.options.creditorId,
        externalRef: record.externalRef,
        name: record.name,
        kind: record.kind ?? "business",
        siren: record.siren ?? null,
        addressLine: record.addressLine ?? null,
        postalCode: record.postalCode ?? null,
        city: record.city ?? null,
        country: record.country ?? "FR",
        locale: record.locale ?? "fr",
        timeZone: record.timeZone ?? "Europe/Paris",
        segment: record.segment ?? "standard",
        createdAt: this.options.at,
      };
      const created: KnownDebtor = {
        id: null,
        stored: { ...values },
        emails: new Set(),
        phones: new Set(),
        contactCount: 0,
        created: true,
        ...(writes ? { pending: values } : {}),
      };
      this.debtorsByRef.set(record.externalRef, created);
      writes?.newDebtors.push(values);
      this.addContact(created, record.externalRef, contact(null), writes);
      return "created";
    }
    const set = debtorChanges(known.stored, record);
    const newContact = contact(known);
    if (Object.keys(set).length === 0 && !newContact) return "unchanged";
    Object.assign(known.stored, set);
    if (writes && Object.keys(set).length > 0) {
      if (known.pending) Object.assign(known.pending, set);
      else writes.debtorUpdates.push({ ref: record.externalRef, set: set as Partial<typeof debtors.$inferInsert> });
    }
    this.addContact(known, record.externalRef, newContact, writes);
    return known.created ? "created" : "updated";
  }

  private addContact(known: KnownDebtor, ref: string, contact: { email: string | null; phone: string | null; isPrimary: boolean } | null, writes: Writes | null) {
    if (!contact) return;
    known.contactCount++;
    if (contact.email) known.emails.add(contact.email);
    if (contact.phone) known.phones.add(contact.phone);
    writes?.newContacts.push({ ref, values: { ...contact, createdAt: this.options.at } });
  }

  private applyInvoice(
    record: InvoiceRecord,
    debtorRef: string,
    decision: { kind: "create"; warning: string | null } | { kind: "change"; known: KnownInvoice; change: ReturnType<typeof invoiceChange> },
    writes: Writes | null,
  ): Action {
    if (decision.kind === "create") {
      const values = {
        creditorId: this.options.creditorId,
        externalRef: record.externalRef,
        number: record.number,
        currency: record.currency,
        amountCents: record.amountCents,
        balanceCents: record.amountCents,
        issueDate: record.issueDate,
        dueDate: record.dueDate,
        paymentTermsDays: record.paymentTermsDays,
        status: "open" as const,
        createdAt: this.options.at,
      };
      const stored: StoredInvoice = { ...values, debtorRef, termsWarning: decision.warning, hasPayments: false };
      this.invoicesByRef.set(record.externalRef, { id: null, externalRef: record.externalRef, stored, created: true, ...(writes ? { pending: values } : {}) });
      this.setNumberOwner(record.number, record.externalRef);
      writes?.newInvoices.push({ debtorRef, values, warning: decision.warning });
      return "created";
    }
    const { known, change } = decision;
    if (change.kind !== "updated") return known.created ? "created" : "unchanged";
    if (change.set.number !== undefined) {
      this.invoiceRefByNumber.delete(known.stored.number);
      this.setNumberOwner(change.set.number, known.externalRef);
    }
    Object.assign(known.stored, change.set);
    if (writes) {
      const { termsWarning: warning, ...columns } = change.set;
      if (known.pending) {
        Object.assign(known.pending, columns);
        const queued = writes.newInvoices.find((w) => w.values === known.pending);
        if (queued && warning !== undefined) queued.warning = warning;
      } else writes.invoiceUpdates.push({ ref: known.externalRef, set: columns, ...(warning !== undefined ? { warning } : {}) });
    }
    return known.created ? "created" : "updated";
  }

  /** The ref of the invoice known to carry this number, if any. */
  private numberOwner(number: string): string | undefined {
    const other = this.invoiceRefByNumber.get(number);
    if (other !== undefined) return other;
    const live = this.invoicesByRef.get(number);
    if (live !== undefined) return live?.stored.number === number ? number : undefined;
    return this.seenInvoices.get(number)?.startsWith("=") ? number : undefined;
  }

  private setNumberOwner(number: string, ref: string) {
    if (number === ref) this.invoiceRefByNumber.delete(number);
    else this.invoiceRefByNumber.set(number, ref);
  }

  /** A preview's chunk is done: what it saw and decided goes back to its memory (what it changed, or saw first). */
  private settle() {
    const debtors: [string, string][] = [];
    for (const [ref, known] of this.debtorsByRef) {
      const packed = known
        ? JSON.stringify([known.id, known.created, known.contactCount, [...known.emails], [...known.phones], ...DEBTOR_PACKED.map((k) => known.stored[k] ?? null)])
        : "";
      if (this.seenDebtors.get(ref) !== packed) debtors.push([ref, packed]);
    }
    const invoices: [string, string][] = [];
    for (const [ref, known] of this.invoicesByRef) {
      // "=": numbered as its ref, what `numberOwner` reads without unpacking.
      const packed = known ? `${known.stored.number === ref ? "=" : ""}${JSON.stringify([known.id, known.created, ...INVOICE_PACKED.map((k) => known.stored[k])])}` : "";
      if (this.seenInvoices.get(ref) !== packed) invoices.push([ref, packed]);
    }
    this.memory!.write(DEBTOR, debtors);
    this.memory!.write(INVOICE, invoices);
    this.debtorsByRef.clear();
    this.invoicesByRef.clear();
    this.seenDebtors = new Map();
    this.seenInvoices = new Map();
  }

  /** True when the preview has seen this debtor before (now back in `debtorsByRef`). */
  private unpackDebtor(ref: string): boolean {
    const packed = this.seenDebtors.get(ref);
    if (packed === undefined) return false;
    if (packed === "") this.debtorsByRef.set(ref, null);
    else {
      const [id, created, contactCount, emails, phones, ...values] = JSON.parse(packed) as [number | null, boolean, number, string[], string[], ...(string | null)[]];
      const stored = Object.fromEntries(DEBTOR_PACKED.map((k, i) => [k, values[i]])) as StoredDebtor;
      this.debtorsByRef.set(ref, { id, stored, emails: new Set(emails), phones: new Set(phones), contactCount, created });
    }
    return true;
  }

  private unpackInvoice(ref: string): boolean {
    const packed = this.seenInvoices.get(ref);
    if (packed === undefined) return false;
    if (packed === "") this.invoicesByRef.set(ref, null);
    else {
      const [id, created, ...values] = JSON.parse(packed.startsWith("=") ? packed.slice(1) : packed) as [number | null, boolean, ...unknown[]];
      this.invoicesByRef.set(ref, { id, externalRef: ref, stored: Object.fromEntries(INVOICE_PACKED.map((k, i) => [k, values[i]])) as StoredInvoice, created });
    }
    return true;
  }

  private async flush(tx: Db, writes: Writes) {
    const { creditorId, at } = this.options;
    const debtorIds = new Map<string, number>();
    for (const { id, externalRef } of await insertDebtors(tx, writes.newDebtors)) debtorIds.set(externalRef!, id);
    const idOf = (ref: string) => debtorIds.get(ref) ?? this.debtorsByRef.get(ref)!.id!;
    for (const { ref, set } of writes.debtorUpdates) await updateDebtor(tx, creditorId, idOf(ref), set);
    await insertContacts(
      tx,
      writes.newContacts.map(({ ref, values }) => ({ ...values, debtorId: idOf(ref) })),
    );
    const inserted = await insertInvoices(
      tx,
      writes.newInvoices.map(({ debtorRef, values }) => ({ ...values, debtorId: idOf(debtorRef) })),
    );
    const invoiceIds = new Map(inserted.map(({ id, externalRef }) => [externalRef!, id]));
    const flags: (typeof invoiceTermsFlags.$inferInsert)[] = [];
    for (const { values, warning } of writes.newInvoices) if (warning) flags.push({ invoiceId: invoiceIds.get(values.externalRef)!, creditorId, warning, flaggedAt: at });
    await insertTermsFlags(tx, flags);
    for (const { ref, set, warning } of writes.invoiceUpdates) {
      const id = this.invoicesByRef.get(ref)!.id!;
      if (Object.keys(set).length > 0) await updateInvoice(tx, creditorId, id, set);
      if (warning !== undefined) await setTermsFlag(tx, creditorId, id, warning, at);
    }
    // Written: later rows of a next chunk read them from the database again.
    for (const [ref, id] of debtorIds) {
      const known = this.debtorsByRef.get(ref);
      if (known) {
        known.id = id;
        known.created = false;
        delete known.pending;
      }
    }
  }
}

/** One call of the API or one small batch: decided and written in a single transaction. */
export async function intake(db: Db, options: IntakeOptions, rows: readonly IntakeRow[]): Promise<RowOutcome[]> {
  return new IntakeSession(options, true).run(db, rows);
}
