/**
 * Deal imports from CSV, pure: which column is which field, and the cell formats (decimal amounts,
 * percentages, dates). The use case (services/imports) resolves references and plans the writes.
 */
import { type CsvRecord, unneutralise } from './csv.ts';
import { EDITABLE_FIELDS, type EditableField } from './deals.ts';
import { ValidationError } from './errors.ts';
import { MAX_AMOUNT } from './money.ts';

/** A column's field: the deal's editable fields, plus how a row names its deal, pipeline and stage. */
export type ImportField = 'id' | 'externalId' | 'pipeline' | 'stage' | 'closedAt' | EditableField;

/**
 * Header names, compared without case, spaces, `_`, `-` or `.`: "External ID", "external_id" and
 * "externalId" are one column. Every editable field by its own name, plus these.
 */
const FIELD_BY_NAME: Record<string, ImportField> = {
  ...Object.fromEntries(EDITABLE_FIELDS.map((f) => [f.toLowerCase(), f])),
  id: 'id',
  dealid: 'id',
  externalid: 'externalId',
  dealname: 'name',
  pipeline: 'pipeline',
  pipelineid: 'pipeline',
  stage: 'stage',
  stageid: 'stage',
  owner: 'ownerId',
  closedat: 'closedAt',
  observers: 'observerIds',
};

/** Columns of the export that are computed, not set: an exported file imports back without them. */
const READ_ONLY = new Set([
  'pipelinename',
  'stagename',
  'status',
  'weightedamount',
  'repeat',
  'createdat',
  'updatedat',
  'version',
]);

const CUSTOM = /^custom[.:](.*)$/i;
const CUSTOM_KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;

export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

export interface ColumnMap {
  /** Field → column index. */
  fields: Map<ImportField, number>;
  /** Custom field key → column index. */
  custom: Map<string, number>;
  /** Field → the header as written, for messages. */
  labels: Map<ImportField, string>;
  /** Read-only columns present in the file and ignored. */
  ignored: string[];
  width: number;
}

type Problem = { path: string; message: string };

/** Reads the header row; a file whose header cannot be read is refused whole (422). */
export function mapHeader(header: readonly string[]): ColumnMap {
  const map: ColumnMap = {
    fields: new Map(),
    custom: new Map(),
    labels: new Map(),
    ignored: [],
    width: header.length,
  };
  const problems: Problem[] = [];
  const unknown: string[] = [];
  for (const [i, raw] of header.entries()) {
    const name = raw.trim();
    const custom = CUSTOM.exec(name);
    if (name === '') {
      problems.push({ path: `header.${i + 1}`, message: `column ${i + 1} has no name` });
    } else if (custom) {
      const key = custom[1] ?? '';
      if (!CUSTOM_KEY.test(key))
        problems.push({ path: `header.${i + 1}`, message: `"${name}": not a custom field key` });
      else if (map.custom.has(key))
        problems.push({ path: `header.${i + 1}`, message: `"${name}" appears twice` });
      else map.custom.set(key, i);
    } else if (READ_ONLY.has(normaliseHeader(name))) {
      map.ignored.push(name);
    } else {
      const field = FIELD_BY_NAME[normaliseHeader(name)];
      if (!field) unknown.push(name);
      else if (map.fields.has(field)) {
        problems.push({
          path: `header.${i + 1}`,
          message: `"${name}" and "${map.labels.get(field)}" are the same column (${field})`,
        });
      } else {
        map.fields.set(field, i);
        map.labels.set(field, name);
      }
    }
  }
  if (map.fields.size === 0 && map.custom.size === 0) {
    throw new ValidationError(
      'the first line must be a header row naming the columns (externalId, name, ...)',
      [{ path: 'header', message: `no known column in: ${header.slice(0, 10).join(', ')}` }],
    );
  }
  for (const name of unknown) {
    problems.push({ path: 'header', message: `unknown column "${name}"` });
  }
  if (!map.fields.has('externalId') && !map.fields.has('id')) {
    problems.push({
      path: 'header',
      message: 'an externalId column (or the id column of an export) is required',
    });
  }
  if (problems.length > 0)
    throw new ValidationError('the header row has problems: nothing was imported', problems);
  return map;
}

/** One data row: its cells by field, trimmed and with export neutralisation undone; empty = absent. */
export interface RawRow {
  line: number;
  values: Partial<Record<ImportField, string>>;
  custom: Record<string, string>;
}

export function readRow(record: CsvRecord, map: ColumnMap): RawRow {
  const cell = (i: number) => {
    const value = unneutralise((record.fields[i] ?? '').trim());
    return value === '' ? undefined : value;
  };
  const values: RawRow['values'] = {};
  for (const [field, i] of map.fields) {
    const value = cell(i);
    if (value !== undefined) values[field] = value;
  }
  const custom: Record<string, string> = {};
  for (const [key, i] of map.custom) {
    const value = cell(i);
    if (value !== undefined) custom[key] = value;
  }
  return { line: record.line, values, custom };
}

/**
 * A decimal amount in the currency's unit as integer minor units, exactly: "1234.5" with 2 digits is
 * 123450. No sign, no thousands separators, at most `digits` decimals.
 */
export function parseDecimal(text: string, digits: number): number {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match)
    throw new RangeError('must be a decimal number such as 1234.50 (no sign, no thousands separator)');
  const decimals = match[2] ?? '';
  if (decimals.length > digits) {
    throw new RangeError(
      digits === 0 ? 'this currency has no decimals' : `at most ${digits} decimals in this currency`,
    );
  }
  const minor = BigInt(`${match[1]}${decimals.padEnd(digits, '0')}`);
  if (minor > BigInt(MAX_AMOUNT)) throw new RangeError('must not exceed 10^13 minor units');
  return Number(minor);
}

/** "40", "40%" or "40 %" → 40: an integer percentage. */
export function parseProbability(text: string): number {
  const match = /^(\d{1,3})\s*%?$/.exec(text.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (!Number.isInteger(value) || value < 0 || value > 100)
    throw new RangeError('must be a whole percentage from 0 to 100');
  return value;
}

/** A date (midnight UTC) or a moment with an offset, as an ISO timestamp. */
export function parseMoment(text: string): string {
  const value = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(date)
    ? Date.parse(date)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw new RangeError('must be a date (2026-05-31) or a date and time (2026-05-31T14:00:00Z)');
  return new Date(ms).toISOString();
}

/** Observers as one cell: user ids separated by semicolons. */
export function parseList(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
