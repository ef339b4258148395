import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setImmediate as nextTurn } from "node:timers/promises";
import { CsvError, parse } from "csv-parse";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, guessDelimiter, mapHeader, rowRecords } from "../../domain/csv-import";
import type { Db } from "../../../db/client";
import type { ImportCounts } from "../../../db/schema";
import { IntakeSession, IntakeTally, type IntakeOptions, type IntakeRow, type RowOutcome } from "../shared/intake.server";

/**
 * An import file read as a stream, never whole: a first pass (the sniff) reads the bytes once to
 * choose the encoding, the separator and the file's hash; the second pass parses it with csv-parse
 * and hands the rows over chunk by chunk. Two passes because the encoding must be known before the
 * first row is decided: an invalid UTF-8 byte on the last line still makes the whole file
 * Windows-1252, as when the file was decoded in one piece. Then the preview and the import, which
 * decide the rows chunk by chunk as they come (the back-office page and the benchmark use them).
 */

/** Rows per transaction: short enough that the job and the web server are never kept waiting long. */
export const IMPORT_CHUNK_ROWS = 1000;

export type ImportEncoding = "utf-8" | "windows-1252";
export type ImportDelimiter = ";" | ",";
/** What parsing needs: from the sniff, or from the run that stored them at preview. */
export type ImportSource = { path: string; encoding: ImportEncoding; delimiter: ImportDelimiter };
/** `lines`: the line breaks counted by the sniff, a bound on the rows (a quoted cell may hold one). */
export type SniffedFile = ImportSource & { sha256: string; bytes: number; lines: number };
export type ImportHeader = { columns: (string | null)[]; ignored: string[]; headerOf: Record<string, string> };

export const tooLargeMessage = `Le fichier dépasse ${MAX_IMPORT_BYTES / 1024 / 1024} Mo : découpez-le en plusieurs fichiers.`;

const READ_BYTES = 256 * 1024;
/** The separator is guessed from the first line; a header longer than a record may be is refused anyway. */
const MAX_RECORD_BYTES = 64 * 1024;

/** UTF-8 when every byte of the file is valid UTF-8 (with or without BOM), otherwise Windows-1252 (Excel's "CSV"). */
export async function sniffImportFile(path: string): Promise<{ ok: true; file: SniffedFile } | { ok: false; message: string }> {
  const { size } = await stat(path);
  if (size === 0) return { ok: false, message: "Le fichier est vide." };
  if (size > MAX_IMPORT_BYTES) return { ok: false, message: tooLargeMessage };
  const hash = createHash("sha256");
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let valid = true;
  let read = 0;
  let lines = 0;
  let last = 0x0a;
  const head: Buffer[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: READ_BYTES }) as AsyncIterable<Buffer>) {
    if (read < 4096 && chunk.subarray(0, 4096 - read).includes(0)) {
      return { ok: false, message: "Ce fichier n'est pas un CSV (il contient des données binaires) : enregistrez-le au format « CSV » depuis votre tableur." };
    }
    if (read < MAX_RECORD_BYTES) head.push(chunk.subarray(0, MAX_RECORD_BYTES - read));
    read += chunk.byteLength;
    if (read > MAX_IMPORT_BYTES) return { ok: false, message: tooLargeMessage };
    hash.update(chunk);
    for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
    last = chunk[chunk.byteLength - 1]!;
    if (valid) valid = decodes(utf8, chunk);
  }
  // A sequence cut by the end of the file is invalid too.
  if (valid) valid = decodes(utf8);
  const encoding: ImportEncoding = valid ? "utf-8" : "windows-1252";
  const text = new TextDecoder(encoding).decode(Buffer.concat(head));
  const delimiter = guessDelimiter(text.slice(0, text.search(/\r?\n|$/)));
  return { ok: true, file: { path, encoding, delimiter, sha256: hash.digest("hex"), bytes: read, lines: lines + (last === 0x0a ? 0 : 1) } };
}

function decodes(decoder: TextDecoder, chunk?: Buffer): boolean {
  try {
    if (chunk) decoder.decode(chunk, { stream: true });
    else decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Windows-1252 bytes in, UTF-8 out: csv-parse reads UTF-8 (its own "latin1" is not Windows-1252: "€" is 0x80). */
function windows1252ToUtf8() {
  const decoder = new TextDecoder("windows-1252");
  return new Transform({ transform: (chunk: Buffer, _encoding, done) => done(null, decoder.decode(chunk, { stream: true })) });
}

export type ReadOutcome = { ok: true; header: ImportHeader; rows: number } | { ok: false; message: string };

/**
 * Parses the file and calls `onRows` with chunks of `chunkRows` rows (awaited: the file is read no
 * faster than the rows are used), numbered as a spreadsheet shows them (the header is line 1).
 * Only the chunk at hand is in memory. The file is refused for the same reasons and in the same order
 * as when it was read whole (unreadable, empty, header alone, too many rows, header not understood),
 * so rows may have been handed over before a refusal found further on: a preview discards what it
 * decided, and an import reads only the file its preview accepted (same hash). Past the row limit, or
 * with a header not understood, the rest is only counted. `limit`: stop after that many rows.
 */
export async function readImportRows(
  source: ImportSource,
  onRows: (rows: IntakeRow[]) => void | Promise<void>,
  options: { chunkRows: number; limit?: number },
): Promise<ReadOutcome> {
  const parser = parse({ delimiter: source.delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: MAX_RECORD_BYTES });
  const bytes = createReadStream(source.path, { highWaterMark: READ_BYTES });
  // Errors of the file reach the loop below through the parser; stopping early (`limit`) is not one.
  const piping = (source.encoding === "utf-8" ? pipeline(bytes, parser) : pipeline(bytes, windows1252ToUtf8(), parser)).catch(() => undefined);
  let seenHeader = false;
  let header: ImportHeader | null = null;
  let headerError: string | null = null;
  let rows = 0;
  let chunk: IntakeRow[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!seenHeader) {
        seenHeader = true;
        const mapped = mapHeader(record);
        if (mapped.ok) header = { columns: mapped.columns, ignored: mapped.ignored, headerOf: mapped.headerOf };
        else headerError = mapped.message;
        continue;
      }
      rows++;
      if (!header || rows > MAX_IMPORT_ROWS) continue;
      chunk.push({ rowNumber: rows + 1, ...rowRecords(header.columns, record) });
      if (options.limit !== undefined && rows >= options.limit) break;
      if (chunk.length >= options.chunkRows) {
        await onRows(chunk);
        chunk = [];
      }
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as { lines?: number }).lines;
    return { ok: false, message: `Le fichier n'est pas un CSV lisible${line ? ` (vers la ligne ${line})` : ""} : vérifiez les guillemets et le séparateur (; ou ,).` };
  } finally {
    parser.destroy();
    await piping;
  }
  if (!seenHeader) return { ok: false, message: "Le fichier est vide." };
  if (rows === 0) return { ok: false, message: "Le fichier ne contient que la ligne d'en-tête : aucune facture à importer." };
  if (rows > MAX_IMPORT_ROWS) return { ok: false, message: `Le fichier compte ${rows} lignes ; au plus ${MAX_IMPORT_ROWS} par import : découpez-le.` };
  if (!header) return { ok: false, message: headerError! };
  if (chunk.length > 0) await onRows(chunk);
  return { ok: true, header, rows };
}

export type FileOutcome = { ok: true; rows: number; counts: ImportCounts } | { ok: false; message: string };

/**
 * The import itself, for the back office and the benchmark alike: the file streamed in chunks of
 * rows, each in its own short transaction (a refused row writes nothing, the others are written
 * whole), yielding to the event loop between chunks so that the server answers meanwhile.
 */
export async function importFile(
  db: Db,
  options: IntakeOptions,
  file: ImportSource,
  onChunk?: (tx: Db, outcomes: RowOutcome[], done: number) => Promise<void>,
): Promise<FileOutcome> {
  const session = new IntakeSession(options, true);
  const tally = new IntakeTally();
  let done = 0;
  const read = await readImportRows(
    file,
    async (rows) => {
      done += rows.length;
      const outcomes = await session.run(db, rows, onChunk ? (tx, outcomes) => onChunk(tx, outcomes, done) : undefined);
      for (const outcome of outcomes) tally.add(outcome);
      await nextTurn();
    },
    { chunkRows: IMPORT_CHUNK_ROWS },
  );
  return read.ok ? { ok: true, rows: read.rows, counts: tally.counts() } : read;
}

/**
 * Decides every row as the import would, writing nothing (yielding between chunks, like the import).
 * The rows with an error or a warning go to `onIssues` chunk by chunk; only the counts are kept.
 */
export async function previewFile(db: Db, options: IntakeOptions, file: SniffedFile, onIssues?: (outcomes: RowOutcome[]) => Promise<void>): Promise<FileOutcome> {
  if (file.lines - 1 > MAX_IMPORT_ROWS) {
    // Perhaps too many rows: counted first (nothing decided, nothing kept), so that such a file costs one read.
    const counted = await readImportRows(file, () => undefined, { chunkRows: IMPORT_CHUNK_ROWS });
    if (!counted.ok) return counted;
  }
  const session = new IntakeSession(options, false);
  const tally = new IntakeTally();
  try {
    const read = await readImportRows(
      file,
      async (rows) => {
        const issues: RowOutcome[] = [];
        for (const outcome of await session.run(db, rows)) {
          tally.add(outcome);
          if (outcome.errors.length + outcome.warnings.length > 0) issues.push(outcome);
        }
        if (issues.length > 0) await onIssues?.(issues);
        await nextTurn();
      },
      { chunkRows: IMPORT_CHUNK_ROWS },
    );
    return read.ok ? { ok: true, rows: read.rows, counts: tally.counts() } : read;
  } finally {
    session.close();
  }
}
