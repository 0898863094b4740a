import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import { mapHeader, parseDecimal, parseMoment, parseProbability, readRow } from '#domain/imports';

function problemsOf(header: string[]): string[] {
  try {
    mapHeader(header);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    const e = error as ValidationError;
    return [e.message, ...((e.details as { message: string }[]) ?? []).map((d) => d.message)];
  }
}

describe('mapHeader', () => {
  it('matches columns by name whatever their case, spaces, dashes or underscores', () => {
    const map = mapHeader([
      'External ID',
      'name',
      'Pipeline',
      'stage_id',
      'Owner',
      'close-date',
      'custom.region',
    ]);
    expect([...map.fields]).toEqual([
      ['externalId', 0],
      ['name', 1],
      ['pipeline', 2],
      ['stage', 3],
      ['ownerId', 4],
      ['closeDate', 5],
    ]);
    expect([...map.custom]).toEqual([['region', 6]]);
  });

  it("ignores an export's computed columns", () => {
    expect(mapHeader(['id', 'status', 'weightedAmount', 'createdAt']).ignored).toEqual([
      'status',
      'weightedAmount',
      'createdAt',
    ]);
  });

  it('refuses unknown and duplicate columns, and a file without externalId or id', () => {
    expect(problemsOf(['externalId', 'name', 'contactEmail', 'Amount', 'amount'])).toEqual([
      'the header row has problems: nothing was imported',
      '"amount" and "Amount" are the same column (amount)',
      'unknown column "contactEmail"',
    ]);
    expect(problemsOf(['name', 'amount'])).toContain(
      'an externalId column (or the id column of an export) is required',
    );
    expect(problemsOf(['externalId', ''])).toContain('column 2 has no name');
  });

  it('says a header is missing when no column is known', () => {
    expect(problemsOf(['X-1', 'Acme', '1200.00'])[0]).toMatch(/first line must be a header row/);
  });
});

describe('readRow', () => {
  it('trims cells, leaves out empty ones and undoes export neutralisation', () => {
    const map = mapHeader(['externalId', 'name', 'source', 'custom.region']);
    expect(readRow({ line: 7, fields: [' X-1 ', "'=cmd", '', 'EMEA'] }, map)).toEqual({
      line: 7,
      values: { externalId: 'X-1', name: '=cmd' },
      custom: { region: 'EMEA' },
    });
  });
});

describe('parseDecimal', () => {
  it("reads amounts exactly in the currency's minor units", () => {
    expect(parseDecimal('1234.5', 2)).toBe(123_450);
    expect(parseDecimal('0.07', 2)).toBe(7);
    expect(parseDecimal('19.99', 2)).toBe(1_999);
    expect(parseDecimal('1500', 0)).toBe(1_500);
    expect(parseDecimal('1.234', 3)).toBe(1_234);
    expect(parseDecimal('100000000000', 2)).toBe(10_000_000_000_000);
  });

  it('refuses signs, separators, too many decimals and too large amounts', () => {
    expect(() => parseDecimal('-5', 2)).toThrow(/decimal number/);
    expect(() => parseDecimal('1,234.50', 2)).toThrow(/decimal number/);
    expect(() => parseDecimal('1.234', 2)).toThrow(/at most 2 decimals/);
    expect(() => parseDecimal('1.5', 0)).toThrow(/no decimals/);
    expect(() => parseDecimal('100000000000.01', 2)).toThrow(/10\^13/);
  });
});

describe('parseProbability / parseMoment', () => {
  it('reads whole percentages with or without a percent sign', () => {
    expect(parseProbability('40')).toBe(40);
    expect(parseProbability('75 %')).toBe(75);
    expect(() => parseProbability('101')).toThrow();
    expect(() => parseProbability('12.5')).toThrow();
  });

  it('reads dates as midnight UTC and moments with their offset', () => {
    expect(parseMoment('2026-05-31')).toBe('2026-05-31T00:00:00.000Z');
    expect(parseMoment('2026-05-31T14:00:00+02:00')).toBe('2026-05-31T12:00:00.000Z');
    expect(() => parseMoment('31/05/2026')).toThrow();
  });
});
