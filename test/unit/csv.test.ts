import { describe, expect, it } from 'vitest';
import {
  BOM,
  CsvSyntaxError,
  formatCell,
  formatCsv,
  formatRow,
  neutralise,
  numeric,
  parseCsv,
  unneutralise,
} from '#domain/csv';

describe('formatCell', () => {
  it('quotes fields holding a comma, a double quote or a line break, doubling the quotes', () => {
    expect(formatCell('plain')).toBe('plain');
    expect(formatCell('a,b')).toBe('"a,b"');
    expect(formatCell('say "hi"')).toBe('"say ""hi"""');
    expect(formatCell('two\nlines')).toBe('"two\nlines"');
    expect(formatCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it('writes empty cells for null and undefined, numbers and booleans as they are', () => {
    expect(formatRow([null, undefined, 0, 12.5, true, ''])).toBe(',,0,12.5,true,');
  });

  it('neutralises text that a spreadsheet would run as a formula, and only text', () => {
    expect(formatCell('=HYPERLINK("http://evil.example","x")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""x"")"',
    );
    expect(formatCell('+33 6 12 34 56 78')).toBe("'+33 6 12 34 56 78");
    expect(formatCell('-2+3')).toBe("'-2+3");
    expect(formatCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(formatCell('\t=1+1')).toBe("'\t=1+1");
    expect(formatCell('\r=1+1')).toBe('"\'\r=1+1"');
    expect(formatCell('a=b')).toBe('a=b');
    expect(formatCell(numeric('-12.50'))).toBe('-12.50');
    expect(formatCell(-3)).toBe('-3');
  });
});

describe('neutralise / unneutralise', () => {
  it('undoes the apostrophe it added, and leaves other apostrophes alone', () => {
    for (const value of ['=1', '+1', '-1', '@x', '\tx', '\rx', 'plain', "'quoted", '', "'"]) {
      expect(unneutralise(neutralise(value))).toBe(value);
    }
    expect(neutralise('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(unneutralise("'=SUM(A1)")).toBe('=SUM(A1)');
  });
});

describe('formatCsv', () => {
  it('starts with a byte-order mark and ends every record with CRLF', () => {
    const text = formatCsv(['a', 'b'], [[1, 'x,y']]);
    expect(text).toBe(`${BOM}a,b\r\n1,"x,y"\r\n`);
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseCsv('name,note\r\n"Acme, Inc.","He said ""yes""\r\nthen left"\r\nBeta,\r\n');
    expect(records).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['Acme, Inc.', 'He said "yes"\r\nthen left'] },
      { line: 4, fields: ['Beta', ''] },
    ]);
  });

  it('accepts LF and lone CR line ends, skips blank lines, adds no record for a final line break', () => {
    expect(parseCsv('a,b\n1,2\r3,4\n\n5,6').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a\n')).toEqual([{ line: 1, fields: ['a'] }]);
  });

  it('keeps empty fields, an empty quoted field and a record of one empty quoted field', () => {
    expect(parseCsv(',,\n""\n').map((r) => r.fields)).toEqual([['', '', ''], ['']]);
  });

  it('reports the line of a quote that is never closed', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,"open\n2,3\n');
    } catch (error) {
      expect((error as CsvSyntaxError).line).toBe(2);
      expect((error as Error).message).toMatch(/never closed/);
    }
  });

  it('refuses a quote inside an unquoted field and text after a closing quote', () => {
    expect(() => parseCsv('a\nab"c\n')).toThrow(/inside an unquoted field/);
    expect(() => parseCsv('a\n"ab"c\n')).toThrow(/closing quote must be followed/);
    expect(() => parseCsv('a\n"ab""\n')).toThrow(/never closed/);
  });

  it('reads back what formatCsv writes, for hostile values', () => {
    // Arrange: every character class that needs quoting or neutralising, in many combinations.
    const alphabet = ['a', 'é', ',', '"', '\n', '\r\n', '\r', '=', '+', '-', '@', '\t', ' ', '😀', "'"];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rows = Array.from({ length: 200 }, () =>
      Array.from({ length: 3 }, () =>
        Array.from(
          { length: Math.floor(random() * 8) },
          () => alphabet[Math.floor(random() * alphabet.length)],
        ).join(''),
      ),
    );
    // Act
    const parsed = parseCsv(formatCsv(['x', 'y', 'z'], rows).slice(1));
    // Assert: every field comes back as written (neutralised), none starts like a formula.
    expect(parsed[0]?.fields).toEqual(['x', 'y', 'z']);
    expect(parsed.slice(1).map((r) => r.fields)).toEqual(rows.map((r) => r.map(neutralise)));
    for (const record of parsed.slice(1)) {
      for (const field of record.fields) expect(field).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});
