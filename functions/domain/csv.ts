/**
 * CSV as RFC 4180 describes it: comma-separated fields, CRLF between records, a field holding a
 * comma, a double quote or a line break enclosed in double quotes, a double quote inside one
 * written twice. Pure: strings in, strings out.
 */

/** U+FEFF: spreadsheet programs read a file that starts with it as UTF-8. */
export const BOM = '\uFEFF';

/** A number we produced (an amount, a count): written as is, never neutralised. */
export interface NumericCell {
  numeric: string;
}

export type Cell = string | number | boolean | NumericCell | null | undefined;

/**
 * Characters that make a spreadsheet read a cell as a formula (or, for tab and carriage return, that
 * some of them strip before doing so). A text cell starting with one gets a leading apostrophe, which
 * spreadsheets treat as "this is text" and do not display.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Reverses `neutralise` on import, so a file exported by Closer imports back to the same values. */
export function unneutralise(text: string): string {
  return text.length > 1 && text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

export function numeric(value: string | number): NumericCell {
  return { numeric: String(value) };
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'object') return quote(cell.numeric);
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return quote(neutralise(cell));
}

/** One record, without its line break. */
export function formatRow(cells: readonly Cell[]): string {
  return cells.map(formatCell).join(',');
}

/** A whole file: byte-order mark, header row, records, each ended by CRLF. */
export function formatCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${BOM}${[header, ...rows].map((r) => `${formatRow(r)}\r\n`).join('')}`;
}

/** Where a file breaks the format: the line (1-based, as an editor shows it) and what is wrong. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvRecord {
  /** The line the record starts on (a quoted line break makes a record span several lines). */
  line: number;
  fields: string[];
}

/**
 * Parses CSV text strictly: a double quote may only open a field or, doubled, stand for itself inside
 * a quoted field; a closing quote must be followed by a comma or the end of the record; a quoted field
 * must be closed. CRLF, LF and lone CR all end a record; a line break at the very end adds no record;
 * blank lines are skipped. Records keep their fields as written (no trimming).
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  /** After a quoted field, until the next comma or line break. */
  let afterQuote = false;
  /** Whether anything (a character or a separator) was read in the current record. */
  let started = false;

  const endRecord = () => {
    fields.push(field);
    // A blank line is a record of one empty unquoted field: skip it.
    if (started) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    started = false;
    afterQuote = false;
  };

  while (i < n) {
    const c = text[i];
    if (c === '"') {
      if (afterQuote)
        throw new CsvSyntaxError(line, 'a closing quote must be followed by a comma or a line break');
      if (field !== '') {
        throw new CsvSyntaxError(line, 'a double quote inside an unquoted field (quote the whole field)');
      }
      if (!started) recordLine = line;
      started = true;
      const opened = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(opened, 'a quoted field is never closed');
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        field += q;
        i++;
      }
      afterQuote = true;
      continue;
    }
    if (c === ',') {
      if (!started) recordLine = line;
      started = true;
      fields.push(field);
      field = '';
      afterQuote = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    if (afterQuote)
      throw new CsvSyntaxError(line, 'a closing quote must be followed by a comma or a line break');
    if (!started) recordLine = line;
    started = true;
    field += c;
    i++;
  }
  if (started) endRecord();
  return records;
}
