import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { TrueTypeFont } from '#render/truetype';
import { quoteView } from '#render/view';
import { pdffonts, pdfText, qpdfCheck, rasterErrors } from '#test/pdf-tools';
import { line, makeQuote } from './render-fixtures.ts';

/**
 * fontkit (the font engine of pdfkit and others, a dev dependency) is the reference the engine is
 * checked against: it is not in our code or bundles, only here. Only what the tests read is declared.
 */
interface ReferenceGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
  path: { toSVG(): string };
}
interface ReferenceFont {
  postscriptName: string;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  lineGap: number;
  italicAngle: number;
  numGlyphs: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  post: { isFixedPitch: number | boolean };
  head: { macStyle: { italic: boolean } };
  'OS/2': { sFamilyClass: number };
  getGlyph(id: number): ReferenceGlyph;
  glyphForCodePoint(codePoint: number): ReferenceGlyph;
  layout(text: string): {
    glyphs: ReferenceGlyph[];
    positions: { xAdvance: number; xOffset: number; yOffset: number }[];
  };
}
const fontkit = createRequire(import.meta.url)('fontkit') as { create(bytes: Uint8Array): ReferenceFont };

const FONTS_DIR = join(import.meta.dirname, '..', '..', 'templates', 'fonts');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif-Bold.ttf'] as const;

function both(file: string): { ours: TrueTypeFont; reference: ReferenceFont } {
  const bytes = readFileSync(join(FONTS_DIR, file));
  return { ours: new TrueTypeFont(bytes), reference: fontkit.create(bytes) };
}

/** Latin-1, Latin Extended-A, Greek, Cyrillic, punctuation and symbols quotes print. */
const SAMPLE_CODE_POINTS = [
  ...range(0x20, 0x17f),
  ...range(0x384, 0x3ce),
  ...range(0x400, 0x45f),
  0x2013,
  0x2014,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2026,
  0x20ac,
  0x2122,
  0xfffd,
  0x1f600, // not in DejaVu: .notdef for both
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Words in the scripts quotes print, without ff/fi/fl (fontkit would ligate those; we do not). */
const WORDS = [
  'AVATAR',
  'Tâche',
  'WAY',
  'Ty,',
  'LT',
  'P.',
  'Vá',
  'Yo',
  '«Totaux»',
  '1,234.00',
  '(10)',
  'Łódź',
  'Straße',
  'Привет',
  'АУДИТ',
  'Гг',
  'Ελλάδα',
  'ΤΑΥ',
  'Zusammenfassung',
  'r.',
];

const layoutOf = (run: ReturnType<ReferenceFont['layout']> | ReturnType<TrueTypeFont['layout']>) => ({
  glyphs: run.glyphs.map((g) => [g.id, g.codePoints, g.advanceWidth]),
  positions: run.positions.map((p) => [p.xAdvance, p.xOffset, p.yOffset]),
});

describe.each(FONT_FILES)('TrueTypeFont (%s) against fontkit', (file) => {
  const { ours, reference } = both(file);

  it('reads the metrics the PDF writer uses as fontkit does', () => {
    expect(ours.postscriptName).toBe(reference.postscriptName);
    expect(ours.postscriptName).toMatch(/^DejaVu/);
    expect(ours.unitsPerEm).toBe(reference.unitsPerEm);
    expect([ours.ascent, ours.descent, ours.lineGap]).toEqual([
      reference.ascent,
      reference.descent,
      reference.lineGap,
    ]);
    expect(ours.italicAngle).toBe(reference.italicAngle);
    expect(ours.bbox).toEqual(reference.bbox);
    expect(ours.numGlyphs).toBe(reference.numGlyphs);
    expect(ours.post.isFixedPitch).toBe(Boolean(reference.post.isFixedPitch));
    expect(ours.head.macStyle.italic).toBe(reference.head.macStyle.italic);
    expect(ours['OS/2']?.sFamilyClass).toBe(reference['OS/2'].sFamilyClass);
  });

  it('maps characters to the same glyphs with the same advance widths', () => {
    for (const codePoint of SAMPLE_CODE_POINTS) {
      const expected = reference.glyphForCodePoint(codePoint);
      const actual = ours.glyphForCodePoint(codePoint);
      expect([codePoint, actual.id, actual.advanceWidth]).toEqual([
        codePoint,
        expected.id,
        expected.advanceWidth,
      ]);
    }
    for (let id = 0; id < reference.numGlyphs; id += 37) {
      expect([id, ours.getGlyph(id).advanceWidth]).toEqual([id, reference.getGlyph(id).advanceWidth]);
    }
  });

  it('kerns every pair of capitals (Latin, Cyrillic, Greek) as fontkit does', () => {
    const alphabets = [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      'АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ',
      'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ',
    ];
    let kerned = 0;
    for (const alphabet of alphabets) {
      for (const first of alphabet) {
        for (const second of `${alphabet}.,aoy`) {
          const actual = layoutOf(ours.layout(first + second));
          expect(actual).toEqual(layoutOf(reference.layout(first + second)));
          if (actual.positions[0]?.[0] !== actual.glyphs[0]?.[2]) kerned += 1;
        }
      }
    }
    // The comparison means something only if the font does kern some of these pairs.
    expect(kerned).toBeGreaterThan(50);
  });

  it('lays out words as fontkit does, kerning included', () => {
    for (const word of WORDS) {
      expect([word, layoutOf(ours.layout(word))]).toEqual([word, layoutOf(reference.layout(word))]);
    }
    const run = ours.layout('AVATAR');
    expect(run.advanceWidth).toBeLessThan(run.glyphs.reduce((sum, g) => sum + g.advanceWidth, 0));
  });

  it('prints ligature letters one by one, each with its own code point (no ligatures)', () => {
    const run = ours.layout('office');
    expect(run.glyphs.map((g) => g.codePoints)).toEqual([[111], [102], [102], [105], [99], [101]]);
  });
});

describe('TrueTypeFont subsets', () => {
  const { ours } = both('DejaVuSans.ttf');
  const subsetOf = (text: string) => {
    const subset = ours.createSubset();
    const ids = [...text].map((c) => subset.includeGlyph(ours.glyphForCodePoint(c.codePointAt(0) ?? 0).id));
    return { ids, bytes: subset.encode() };
  };

  it('numbers glyphs in the order the writer includes them, .notdef first', () => {
    const subset = ours.createSubset();
    expect(subset.includeGlyph(ours.glyphForCodePoint(0x42).id)).toBe(1);
    expect(subset.includeGlyph(ours.glyphForCodePoint(0x41).id)).toBe(2);
    expect(subset.includeGlyph(ours.glyphForCodePoint(0x42).id)).toBe(1);
  });

  it('writes a TrueType file whose glyphs draw as in the full font, composites and their parts', () => {
    // Arrange: accented letters in DejaVu are composites (a base letter and an accent).
    const text = 'Aé Ёй άΐ Łę€';
    const composites = [...text].filter(
      (c) => ours.componentsOf(ours.glyphData(ours.glyphForCodePoint(c.codePointAt(0) ?? 0).id)).length > 0,
    );
    expect(composites.length).toBeGreaterThanOrEqual(4);

    // Act
    const { ids, bytes } = subsetOf(text);
    const parsed = fontkit.create(bytes);
    const reread = new TrueTypeFont(bytes);
    const original = fontkit.create(readFileSync(join(FONTS_DIR, 'DejaVuSans.ttf')));

    // Assert: the parts joined after the glyphs the writer asked for, every outline unchanged.
    const asked = new Set(ids).size + 1;
    expect(parsed.numGlyphs).toBeGreaterThan(asked);
    [...text].forEach((char, i) => {
      const from = original.glyphForCodePoint(char.codePointAt(0) ?? 0);
      const id = ids[i] ?? -1;
      expect([char, parsed.getGlyph(id).path.toSVG()]).toEqual([char, from.path.toSVG()]);
      expect([char, reread.getGlyph(id).advanceWidth]).toEqual([char, from.advanceWidth]);
    });
    // Every component (components can be composites too) points inside the subset.
    for (let id = 0; id < parsed.numGlyphs; id += 1) {
      for (const component of reread.componentsOf(reread.glyphData(id))) {
        expect(component.glyph).toBeLessThan(parsed.numGlyphs);
      }
    }
  });

  it('keeps the table checksums and the whole-file checksum right', () => {
    const { bytes } = subsetOf('Quote №42 – Ελλάδα');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const sum = (from: number, length: number) => {
      let total = 0;
      for (let i = from; i < from + length; i += 4) {
        let word = 0;
        for (let j = 0; j < 4; j += 1) word = word * 256 + (i + j < from + length ? (bytes[i + j] ?? 0) : 0);
        total = (total + word) % 2 ** 32;
      }
      return total;
    };
    const tables = view.getUint16(4);
    expect(tables).toBeGreaterThanOrEqual(8);
    for (let i = 0; i < tables; i += 1) {
      const record = 12 + i * 16;
      const tag = String.fromCharCode(...bytes.subarray(record, record + 4));
      let expected = sum(view.getUint32(record + 8), view.getUint32(record + 12));
      if (tag === 'head') {
        // The table's checksum is taken with checkSumAdjustment at zero.
        const adjustment = view.getUint32(view.getUint32(record + 8) + 8);
        expected = (expected - adjustment + 2 ** 32) % 2 ** 32;
      }
      expect([tag, view.getUint32(record + 4)]).toEqual([tag, expected]);
    }
    expect(sum(0, bytes.length)).toBe(0xb1b0afba);
  });
});

describe('PDFs made with the engine', () => {
  it('are accepted by qpdf and poppler, with subset fonts whose text extracts, accents, Cyrillic and Greek included', async () => {
    // Arrange
    const words = [
      'Łukasz Wróbel-Żółć',
      'Юлия Смирнова',
      'Ελληνικά ΑΒΓ',
      'Crème brûlée façon àéîõü',
      'AVATAR Tâche',
    ];
    const quote = makeQuote({
      templateId: 'classic',
      recipient: { name: 'Юлия Смирнова', email: 'julia@example.com' },
      client: { name: 'Юлия Смирнова', companyName: 'Łukasz Wróbel-Żółć', email: 'lukasz@example.com' },
      lines: [
        line(1, { name: 'Ελληνικά ΑΒΓ', description: 'Crème brûlée façon àéîõü' }),
        line(2, { name: 'AVATAR Tâche' }),
      ],
      discountPercent: 0,
    });

    // Act
    const pdf = await renderQuotePdf(quoteView(quote, getTemplate('classic')));

    // Assert
    expect(qpdfCheck(pdf).output).toMatch(/No syntax or stream encoding errors/);
    const fonts = pdffonts(pdf);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const font of fonts) {
      expect(font).toMatchObject({ type: 'CID TrueType', embedded: true, subset: true, unicode: true });
      expect(font.name).toMatch(/^[A-Z]{6}\+DejaVu/);
    }
    expect(rasterErrors(pdf)).toBe('');
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    for (const word of words) expect(text).toContain(word);
  });
});
