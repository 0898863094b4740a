/**
 * A lean TrueType (glyf) font reader: what our PDF writer (pdf-writer.ts) needs of a font (`layout`,
 * `createSubset`, `getGlyph`, metrics, `head`, `post`, `OS/2`), with the shapes fontkit gives them,
 * against which it is tested. Tables are read from the file's bytes on first use.
 *
 * Layout maps characters to glyphs through the `cmap` (formats 4 and 12) and applies pair kerning
 * from the GPOS `kern` feature (PairPos formats 1 and 2) of the run's script, or the legacy `kern`
 * table when the font has no GPOS. Nothing else: no ligatures, no mark positioning, no
 * complex-script shaping. A character the font lacks prints glyph 0 (.notdef).
 *
 * A subset is a standalone TrueType file holding the glyphs used (and the components of composite
 * ones): head, hhea, maxp, OS/2, hmtx, loca, glyf, the hinting tables, post (format 3, no names)
 * and an empty cmap (the PDF maps its character codes to glyphs and to text itself).
 */

/** A glyph as the writer reads it. */
export interface Glyph {
  readonly id: number;
  readonly codePoints: number[];
  readonly advanceWidth: number;
}

/** A glyph's position in a run, in font units. */
export interface GlyphPosition {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

/** A laid-out run; `advanceWidth` sums the positions' advances. */
export class GlyphRun {
  constructor(
    readonly glyphs: Glyph[],
    readonly positions: GlyphPosition[],
  ) {}

  get advanceWidth(): number {
    let width = 0;
    for (const position of this.positions) width += position.xAdvance;
    return width;
  }
}

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

interface TableEntry {
  offset: number;
  length: number;
}

/** A value record of a GPOS pair adjustment, only the fields that move a glyph. */
interface Adjustment {
  xPlacement: number;
  yPlacement: number;
  xAdvance: number;
  yAdvance: number;
}

type PairKerning = (left: number, right: number) => [Adjustment | null, Adjustment | null] | null;

export class FontError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FontError';
  }
}

const GLYF_ARG_1_AND_2_ARE_WORDS = 0x0001;
const GLYF_WE_HAVE_A_SCALE = 0x0008;
const GLYF_MORE_COMPONENTS = 0x0020;
const GLYF_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const GLYF_WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** The OpenType script of a code point, for the scripts our templates' fonts print; null if neutral. */
function scriptOf(codePoint: number): string | null {
  if (
    (codePoint >= 0x41 && codePoint <= 0x5a) ||
    (codePoint >= 0x61 && codePoint <= 0x7a) ||
    codePoint === 0xaa ||
    codePoint === 0xba ||
    (codePoint >= 0xc0 && codePoint <= 0x24f && codePoint !== 0xd7 && codePoint !== 0xf7) ||
    (codePoint >= 0x1e00 && codePoint <= 0x1eff) ||
    (codePoint >= 0xfb00 && codePoint <= 0xfb06)
  ) {
    return 'latn';
  }
  if (
    (codePoint >= 0x370 && codePoint <= 0x3ff && codePoint !== 0x37e && codePoint !== 0x387) ||
    (codePoint >= 0x1f00 && codePoint <= 0x1fff)
  ) {
    return 'grek';
  }
  if (codePoint >= 0x400 && codePoint <= 0x52f) return 'cyrl';
  return null;
}

export class TrueTypeFont {
  private readonly view: DataView;
  private readonly tables = new Map<string, TableEntry>();
  private readonly glyphCache = new Map<number, Glyph>();
  private readonly kerningByScript = new Map<string, PairKerning | null>();
  private cmapLookup?: (codePoint: number) => number;
  private cached: Record<string, unknown> = {};

  constructor(readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const version = this.u32(0);
    if (version !== 0x00010000 && version !== 0x74727565) {
      throw new FontError(
        'not a TrueType font (only glyf outlines are supported, not CFF, WOFF or collections)',
      );
    }
    const count = this.u16(4);
    for (let i = 0; i < count; i += 1) {
      const record = 12 + i * 16;
      this.tables.set(this.tag(record), { offset: this.u32(record + 8), length: this.u32(record + 12) });
    }
    for (const required of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap']) {
      if (!this.tables.has(required)) throw new FontError(`the font has no '${required}' table`);
    }
  }

  // ---- Reading -------------------------------------------------------------------------------

  private u8(at: number): number {
    return this.view.getUint8(at);
  }
  private u16(at: number): number {
    return this.view.getUint16(at);
  }
  private i16(at: number): number {
    return this.view.getInt16(at);
  }
  private u32(at: number): number {
    return this.view.getUint32(at);
  }
  private tag(at: number): string {
    return String.fromCharCode(this.u8(at), this.u8(at + 1), this.u8(at + 2), this.u8(at + 3));
  }
  private fixed(at: number): number {
    return this.view.getInt32(at) / 65536;
  }

  private table(tag: string): TableEntry | undefined {
    return this.tables.get(tag);
  }

  private require(tag: string): TableEntry {
    const entry = this.tables.get(tag);
    if (entry === undefined) throw new FontError(`the font has no '${tag}' table`);
    return entry;
  }

  /** The raw bytes of a table, or undefined if the font has none. */
  tableBytes(tag: string): Uint8Array | undefined {
    const entry = this.table(tag);
    return entry && this.data.subarray(entry.offset, entry.offset + entry.length);
  }

  private memo<T>(key: string, compute: () => T): T {
    if (!(key in this.cached)) this.cached[key] = compute();
    return this.cached[key] as T;
  }

  // ---- Metrics (what the writer reads) -------------------------------------------------------------

  get head(): {
    unitsPerEm: number;
    xMin: number;
    yMin: number;
    xMax: number;
    yMax: number;
    macStyle: { bold: boolean; italic: boolean };
    indexToLocFormat: number;
  } {
    return this.memo('head', () => {
      const at = this.require('head').offset;
      const macStyle = this.u16(at + 44);
      return {
        unitsPerEm: this.u16(at + 18),
        xMin: this.i16(at + 36),
        yMin: this.i16(at + 38),
        xMax: this.i16(at + 40),
        yMax: this.i16(at + 42),
        macStyle: { bold: (macStyle & 1) !== 0, italic: (macStyle & 2) !== 0 },
        indexToLocFormat: this.i16(at + 50),
      };
    });
  }

  get hhea(): { ascent: number; descent: number; lineGap: number; numberOfMetrics: number } {
    return this.memo('hhea', () => {
      const at = this.require('hhea').offset;
      return {
        ascent: this.i16(at + 4),
        descent: this.i16(at + 6),
        lineGap: this.i16(at + 8),
        numberOfMetrics: this.u16(at + 34),
      };
    });
  }

  get 'OS/2'(): { sFamilyClass: number; xHeight?: number; capHeight?: number } | undefined {
    return this.memo('OS/2', () => {
      const entry = this.table('OS/2');
      if (entry === undefined) return undefined;
      const at = entry.offset;
      const version = this.u16(at);
      return {
        sFamilyClass: this.i16(at + 30),
        ...(version >= 2 ? { xHeight: this.i16(at + 86), capHeight: this.i16(at + 88) } : {}),
      };
    });
  }

  get post(): { italicAngle: number; isFixedPitch: boolean } {
    return this.memo('post', () => {
      const entry = this.table('post');
      if (entry === undefined) return { italicAngle: 0, isFixedPitch: false };
      return { italicAngle: this.fixed(entry.offset + 4), isFixedPitch: this.u32(entry.offset + 12) !== 0 };
    });
  }

  get numGlyphs(): number {
    return this.memo('numGlyphs', () => this.u16(this.require('maxp').offset + 4));
  }

  get unitsPerEm(): number {
    return this.head.unitsPerEm;
  }
  get ascent(): number {
    return this.hhea.ascent;
  }
  get descent(): number {
    return this.hhea.descent;
  }
  get lineGap(): number {
    return this.hhea.lineGap;
  }
  get capHeight(): number {
    const os2 = this['OS/2'];
    return os2 ? (os2.capHeight ?? 0) : this.ascent;
  }
  get xHeight(): number {
    return this['OS/2']?.xHeight ?? 0;
  }
  get italicAngle(): number {
    return this.post.italicAngle;
  }
  get bbox(): BBox {
    return this.memo('bbox', () => {
      const { xMin, yMin, xMax, yMax } = this.head;
      return { minX: xMin, minY: yMin, maxX: xMax, maxY: yMax };
    });
  }

  /** The PostScript name (name ID 6), which names the embedded font. */
  get postscriptName(): string {
    return this.memo('postscriptName', () => {
      const entry = this.table('name');
      if (entry === undefined) return '';
      const at = entry.offset;
      const count = this.u16(at + 2);
      const strings = at + this.u16(at + 4);
      let fallback = '';
      for (let i = 0; i < count; i += 1) {
        const record = at + 6 + i * 12;
        if (this.u16(record + 6) !== 6) continue;
        const platform = this.u16(record);
        const length = this.u16(record + 8);
        const start = strings + this.u16(record + 10);
        const bytes = this.data.subarray(start, start + length);
        if (platform === 3 || platform === 0) {
          let name = '';
          for (let j = 0; j + 1 < bytes.length; j += 2) name += String.fromCharCode(this.u16(start + j));
          return name;
        }
        if (platform === 1) fallback = Buffer.from(bytes).toString('latin1');
      }
      return fallback;
    });
  }

  /** Read in place, per glyph: copying the whole table costs more than the few glyphs a PDF uses. */
  horizontalMetricsOf(id: number): { advance: number; bearing: number } {
    if (id < 0 || id >= this.numGlyphs) return { advance: 0, bearing: 0 };
    const at = this.require('hmtx').offset;
    const count = Math.max(1, this.hhea.numberOfMetrics);
    if (id < count) return { advance: this.u16(at + id * 4), bearing: this.i16(at + id * 4 + 2) };
    return { advance: this.u16(at + (count - 1) * 4), bearing: this.i16(at + count * 4 + (id - count) * 2) };
  }

  advanceWidthOf(id: number): number {
    return this.horizontalMetricsOf(id).advance;
  }

  /** A glyph by id (the writer asks for .notdef's width). */
  getGlyph(id: number, codePoints: number[] = []): Glyph {
    return { id, codePoints, advanceWidth: this.advanceWidthOf(id) };
  }

  /** The glyph a character prints with (shared by every run: nothing modifies a glyph). */
  glyphForCodePoint(codePoint: number): Glyph {
    let glyph = this.glyphCache.get(codePoint);
    if (glyph === undefined) {
      glyph = this.getGlyph(this.glyphIndexFor(codePoint), [codePoint]);
      this.glyphCache.set(codePoint, glyph);
    }
    return glyph;
  }

  // ---- Character map -------------------------------------------------------------------------

  /** The glyph of a code point, 0 (.notdef) when the font has none. */
  glyphIndexFor(codePoint: number): number {
    this.cmapLookup ??= this.chooseCmap();
    return this.cmapLookup(codePoint);
  }

  private chooseCmap(): (codePoint: number) => number {
    const at = this.require('cmap').offset;
    const count = this.u16(at + 2);
    const subtables: { platform: number; encoding: number; offset: number; format: number }[] = [];
    for (let i = 0; i < count; i += 1) {
      const record = at + 4 + i * 8;
      const offset = at + this.u32(record + 4);
      subtables.push({
        platform: this.u16(record),
        encoding: this.u16(record + 2),
        offset,
        format: this.u16(offset),
      });
    }
    const preferred: [number, number][] = [
      [3, 10],
      [0, 6],
      [0, 4],
      [3, 1],
      [0, 3],
      [0, 2],
      [0, 1],
      [0, 0],
    ];
    for (const [platform, encoding] of preferred) {
      const table = subtables.find(
        (s) => s.platform === platform && s.encoding === encoding && (s.format === 4 || s.format === 12),
      );
      if (table) return table.format === 4 ? this.cmapFormat4(table.offset) : this.cmapFormat12(table.offset);
    }
    throw new FontError('the font has no Unicode cmap of format 4 or 12');
  }

  private cmapFormat4(at: number): (codePoint: number) => number {
    const segments = this.u16(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    return (codePoint) => {
      if (codePoint > 0xffff) return 0;
      let low = 0;
      let high = segments - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if (this.u16(ends + mid * 2) < codePoint) low = mid + 1;
        else high = mid - 1;
      }
      if (low >= segments) return 0;
      const start = this.u16(starts + low * 2);
      if (codePoint < start) return 0;
      const delta = this.u16(deltas + low * 2);
      const rangeOffsetAt = rangeOffsets + low * 2;
      const rangeOffset = this.u16(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = this.u16(rangeOffsetAt + rangeOffset + (codePoint - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    };
  }

  private cmapFormat12(at: number): (codePoint: number) => number {
    const groups = this.u32(at + 12);
    const first = at + 16;
    return (codePoint) => {
      let low = 0;
      let high = groups - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const group = first + mid * 12;
        if (codePoint < this.u32(group)) high = mid - 1;
        else if (codePoint > this.u32(group + 4)) low = mid + 1;
        else return this.u32(group + 8) + codePoint - this.u32(group);
      }
      return 0;
    };
  }

  // ---- Kerning -------------------------------------------------------------------------------

  /** The kerning of a script: the GPOS `kern` feature's pair lookups, else the legacy `kern` table. */
  private kerningFor(script: string): PairKerning | null {
    let kerning = this.kerningByScript.get(script);
    if (kerning === undefined) {
      kerning = this.table('GPOS') ? this.gposKerning(script) : this.legacyKerning();
      this.kerningByScript.set(script, kerning);
    }
    return kerning;
  }

  private gposKerning(script: string): PairKerning | null {
    const gpos = this.require('GPOS').offset;
    const scriptList = gpos + this.u16(gpos + 4);
    const featureList = gpos + this.u16(gpos + 6);
    const lookupList = gpos + this.u16(gpos + 8);
    const scripts = new Map<string, number>();
    for (let i = 0; i < this.u16(scriptList); i += 1) {
      const record = scriptList + 2 + i * 6;
      scripts.set(this.tag(record), scriptList + this.u16(record + 4));
    }
    const scriptTable =
      scripts.get(script) ?? scripts.get('DFLT') ?? scripts.get('dflt') ?? scripts.get('latn');
    if (scriptTable === undefined) return null;
    const defaultLangSys = this.u16(scriptTable);
    if (defaultLangSys === 0) return null;
    const langSys = scriptTable + defaultLangSys;
    const lookups = new Set<number>();
    for (let i = 0; i < this.u16(langSys + 4); i += 1) {
      const feature = this.u16(langSys + 6 + i * 2);
      const record = featureList + 2 + feature * 6;
      if (this.tag(record) !== 'kern') continue;
      const table = featureList + this.u16(record + 4);
      for (let j = 0; j < this.u16(table + 2); j += 1) lookups.add(this.u16(table + 4 + j * 2));
    }
    const pairTables: number[][] = [];
    for (const index of [...lookups].sort((a, b) => a - b)) {
      const lookup = lookupList + this.u16(lookupList + 2 + index * 2);
      let type = this.u16(lookup);
      const subtables: number[] = [];
      for (let i = 0; i < this.u16(lookup + 4); i += 1) {
        let subtable = lookup + this.u16(lookup + 6 + i * 2);
        if (type === 9) {
          // Extension: the real lookup type and a 32-bit offset to the subtable.
          type = this.u16(subtable + 2);
          subtable += this.u32(subtable + 4);
        }
        if (type === 2) subtables.push(subtable);
      }
      if (subtables.length > 0) pairTables.push(subtables);
    }
    if (pairTables.length === 0) return null;
    const cache = new Map<number, [Adjustment | null, Adjustment | null] | null>();
    return (left, right) => {
      const key = left * 0x10000 + right;
      let result = cache.get(key);
      if (result === undefined) {
        result = null;
        for (const subtables of pairTables) {
          for (const subtable of subtables) {
            const found = this.pairAdjustment(subtable, left, right);
            if (found === undefined) continue;
            result = result === null ? found : [sum(result[0], found[0]), sum(result[1], found[1])];
            break;
          }
        }
        cache.set(key, result);
      }
      return result;
    };
  }

  /** Index of a glyph in a coverage table, -1 if not covered. */
  private coverageIndex(at: number, glyph: number): number {
    const format = this.u16(at);
    const count = this.u16(at + 2);
    let low = 0;
    let high = count - 1;
    if (format === 1) {
      while (low <= high) {
        const mid = (low + high) >> 1;
        const value = this.u16(at + 4 + mid * 2);
        if (value === glyph) return mid;
        if (value < glyph) low = mid + 1;
        else high = mid - 1;
      }
      return -1;
    }
    while (low <= high) {
      const mid = (low + high) >> 1;
      const range = at + 4 + mid * 6;
      if (glyph < this.u16(range)) high = mid - 1;
      else if (glyph > this.u16(range + 2)) low = mid + 1;
      else return this.u16(range + 4) + glyph - this.u16(range);
    }
    return -1;
  }

  private glyphClass(at: number, glyph: number): number {
    const format = this.u16(at);
    if (format === 1) {
      const start = this.u16(at + 2);
      const count = this.u16(at + 4);
      return glyph >= start && glyph < start + count ? this.u16(at + 6 + (glyph - start) * 2) : 0;
    }
    let low = 0;
    let high = this.u16(at + 2) - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const range = at + 4 + mid * 6;
      if (glyph < this.u16(range)) high = mid - 1;
      else if (glyph > this.u16(range + 2)) low = mid + 1;
      else return this.u16(range + 4);
    }
    return 0;
  }

  private valueRecordSize(format: number): number {
    let size = 0;
    for (let bits = format & 0xff; bits !== 0; bits >>= 1) size += (bits & 1) * 2;
    return size;
  }

  private valueRecord(at: number, format: number): Adjustment | null {
    if ((format & 0x0f) === 0) return null;
    const value: Adjustment = { xPlacement: 0, yPlacement: 0, xAdvance: 0, yAdvance: 0 };
    let field = at;
    if (format & 0x01) {
      value.xPlacement = this.i16(field);
      field += 2;
    }
    if (format & 0x02) {
      value.yPlacement = this.i16(field);
      field += 2;
    }
    if (format & 0x04) {
      value.xAdvance = this.i16(field);
      field += 2;
    }
    if (format & 0x08) value.yAdvance = this.i16(field);
    return value;
  }

  /** The adjustment of a pair in one PairPos subtable; undefined when the subtable does not apply. */
  private pairAdjustment(
    at: number,
    left: number,
    right: number,
  ): [Adjustment | null, Adjustment | null] | undefined {
    const index = this.coverageIndex(at + this.u16(at + 2), left);
    if (index < 0) return undefined;
    const format = this.u16(at);
    const format1 = this.u16(at + 4);
    const format2 = this.u16(at + 6);
    const size1 = this.valueRecordSize(format1);
    const size2 = this.valueRecordSize(format2);
    if (format === 1) {
      const pairSet = at + this.u16(at + 10 + index * 2);
      const recordSize = 2 + size1 + size2;
      let low = 0;
      let high = this.u16(pairSet) - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const record = pairSet + 2 + mid * recordSize;
        const second = this.u16(record);
        if (second === right) {
          return [this.valueRecord(record + 2, format1), this.valueRecord(record + 2 + size1, format2)];
        }
        if (second < right) low = mid + 1;
        else high = mid - 1;
      }
      return undefined;
    }
    if (format === 2) {
      const class1 = this.glyphClass(at + this.u16(at + 8), left);
      const class2 = this.glyphClass(at + this.u16(at + 10), right);
      const class2Count = this.u16(at + 14);
      const record = at + 16 + (class1 * class2Count + class2) * (size1 + size2);
      return [this.valueRecord(record, format1), this.valueRecord(record + size1, format2)];
    }
    return undefined;
  }

  /** The legacy `kern` table (format 0 subtables, horizontal kerning only). */
  private legacyKerning(): PairKerning | null {
    const entry = this.table('kern');
    if (entry === undefined) return null;
    const pairs = new Map<number, number>();
    let at = entry.offset + 4;
    for (let i = 0; i < this.u16(entry.offset + 2); i += 1) {
      const length = this.u16(at + 2);
      const coverage = this.u16(at + 4);
      if (coverage >> 8 === 0 && (coverage & 0x7) === 1) {
        const count = this.u16(at + 6);
        for (let j = 0; j < count; j += 1) {
          const pair = at + 14 + j * 6;
          const key = this.u16(pair) * 0x10000 + this.u16(pair + 2);
          pairs.set(key, (pairs.get(key) ?? 0) + this.i16(pair + 4));
        }
      }
      at += length;
    }
    if (pairs.size === 0) return null;
    return (left, right) => {
      const value = pairs.get(left * 0x10000 + right);
      return value === undefined
        ? null
        : [{ xPlacement: 0, yPlacement: 0, xAdvance: value, yAdvance: 0 }, null];
    };
  }

  // ---- Layout ----------------------------------------------------------------------------------

  /** Glyphs and positions of a string, kerned. fontkit's `features` argument is ignored. */
  layout(text: string, _features?: unknown): GlyphRun {
    const glyphs: Glyph[] = [];
    const positions: GlyphPosition[] = [];
    let script: string | null = null;
    for (const char of text) {
      const codePoint = char.codePointAt(0) ?? 0;
      script ??= scriptOf(codePoint);
      const glyph = this.glyphForCodePoint(codePoint);
      glyphs.push(glyph);
      positions.push({ xAdvance: glyph.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 });
    }
    const kerning = glyphs.length > 1 ? this.kerningFor(script ?? 'DFLT') : null;
    if (kerning !== null) {
      for (let i = 1; i < glyphs.length; i += 1) {
        const [left, right] = [glyphs[i - 1], glyphs[i]];
        const [before, after] = [positions[i - 1], positions[i]];
        if (left === undefined || right === undefined || before === undefined || after === undefined)
          continue;
        const adjustment = kerning(left.id, right.id);
        if (adjustment === null) continue;
        apply(before, adjustment[0]);
        apply(after, adjustment[1]);
      }
    }
    return new GlyphRun(glyphs, positions);
  }

  // ---- Glyph data ------------------------------------------------------------------------------

  /** The raw glyf record of a glyph (empty for a glyph without outline). */
  glyphData(id: number): Uint8Array {
    if (id < 0 || id >= this.numGlyphs) return this.data.subarray(0, 0);
    const loca = this.require('loca').offset;
    const glyf = this.require('glyf').offset;
    const long = this.head.indexToLocFormat === 1;
    const start = long ? this.u32(loca + id * 4) : this.u16(loca + id * 2) * 2;
    const end = long ? this.u32(loca + id * 4 + 4) : this.u16(loca + id * 2 + 2) * 2;
    return this.data.subarray(glyf + start, glyf + Math.max(start, end));
  }

  /** Where each component's glyph index sits in a composite glyph record, and that index. */
  componentsOf(data: Uint8Array): { at: number; glyph: number }[] {
    if (data.length < 10) return [];
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getInt16(0) >= 0) return [];
    const components: { at: number; glyph: number }[] = [];
    let at = 10;
    let flags: number;
    do {
      flags = view.getUint16(at);
      components.push({ at: at + 2, glyph: view.getUint16(at + 2) });
      at += 4 + (flags & GLYF_ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & GLYF_WE_HAVE_A_SCALE) at += 2;
      else if (flags & GLYF_WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
      else if (flags & GLYF_WE_HAVE_A_TWO_BY_TWO) at += 8;
    } while (flags & GLYF_MORE_COMPONENTS && at + 4 <= data.length);
    return components;
  }

  createSubset(): TrueTypeSubset {
    return new TrueTypeSubset(this);
  }
}

function sum(a: Adjustment | null, b: Adjustment | null): Adjustment | null {
  if (a === null) return b;
  if (b === null) return a;
  return {
    xPlacement: a.xPlacement + b.xPlacement,
    yPlacement: a.yPlacement + b.yPlacement,
    xAdvance: a.xAdvance + b.xAdvance,
    yAdvance: a.yAdvance + b.yAdvance,
  };
}

function apply(position: GlyphPosition, adjustment: Adjustment | null): void {
  if (adjustment === null) return;
  position.xOffset += adjustment.xPlacement;
  position.yOffset += adjustment.yPlacement;
  position.xAdvance += adjustment.xAdvance;
  position.yAdvance += adjustment.yAdvance;
}

/**
 * The glyphs one PDF uses of a font. The writer numbers its character codes by `includeGlyph`'s answer
 * (0 is .notdef); the components of composite glyphs are added when the file is written, after them.
 */
export class TrueTypeSubset {
  private readonly glyphs: number[] = [];
  private readonly mapping = new Map<number, number>();

  constructor(readonly font: TrueTypeFont) {
    this.includeGlyph(0);
  }

  includeGlyph(glyph: number | Glyph): number {
    const id = typeof glyph === 'number' ? glyph : glyph.id;
    let mapped = this.mapping.get(id);
    if (mapped === undefined) {
      mapped = this.glyphs.length;
      this.glyphs.push(id);
      this.mapping.set(id, mapped);
    }
    return mapped;
  }

  /** The subset as a standalone TrueType file. */
  encode(): Uint8Array {
    const { font } = this;
    const records: Uint8Array[] = [];
    // The list grows while we walk it: components of composites join at the end.
    for (let i = 0; i < this.glyphs.length; i += 1) {
      const source = font.glyphData(this.glyphs[i] ?? 0);
      const components = font.componentsOf(source);
      if (components.length === 0) {
        records.push(source);
        continue;
      }
      const copy = Uint8Array.from(source);
      const view = new DataView(copy.buffer);
      for (const component of components) view.setUint16(component.at, this.includeGlyph(component.glyph));
      records.push(copy);
    }
    const count = this.glyphs.length;

    const loca = new DataView(new ArrayBuffer((count + 1) * 4));
    let glyfLength = 0;
    records.forEach((record, i) => {
      loca.setUint32(i * 4, glyfLength);
      glyfLength += align4(record.length);
    });
    loca.setUint32(count * 4, glyfLength);
    const glyf = new Uint8Array(glyfLength);
    let offset = 0;
    for (const record of records) {
      glyf.set(record, offset);
      offset += align4(record.length);
    }

    const hmtx = new DataView(new ArrayBuffer(count * 4));
    this.glyphs.forEach((id, i) => {
      const { advance, bearing } = font.horizontalMetricsOf(id);
      hmtx.setUint16(i * 4, advance);
      hmtx.setInt16(i * 4 + 2, bearing);
    });

    const head = copyTable(font, 'head');
    head.setUint32(8, 0); // checkSumAdjustment, set once the file is whole
    head.setInt16(50, 1); // indexToLocFormat: long offsets
    const hhea = copyTable(font, 'hhea');
    hhea.setUint16(34, count);
    const maxp = copyTable(font, 'maxp');
    maxp.setUint16(4, count);
    const post = new DataView(new ArrayBuffer(32));
    const sourcePost = font.tableBytes('post');
    if (sourcePost !== undefined) new Uint8Array(post.buffer).set(sourcePost.subarray(0, 32));
    post.setUint32(0, 0x00030000);

    const tables = new Map<string, Uint8Array>([
      ['cmap', EMPTY_CMAP],
      ['glyf', glyf],
      ['head', bytesOf(head)],
      ['hhea', bytesOf(hhea)],
      ['hmtx', bytesOf(hmtx)],
      ['loca', bytesOf(loca)],
      ['maxp', bytesOf(maxp)],
      ['post', bytesOf(post)],
    ]);
    for (const tag of ['OS/2', 'cvt ', 'fpgm', 'prep']) {
      const bytes = font.tableBytes(tag);
      if (bytes !== undefined) tables.set(tag, bytes);
    }
    return writeFont(tables);
  }
}

/** A format 4 cmap that maps nothing: the PDF's CIDToGIDMap and ToUnicode do the mapping. */
const EMPTY_CMAP = (() => {
  const view = new DataView(new ArrayBuffer(12 + 24));
  view.setUint16(2, 1); // one subtable
  view.setUint16(4, 3); // Windows
  view.setUint16(6, 1); // Unicode BMP
  view.setUint32(8, 12);
  const at = 12;
  view.setUint16(at, 4); // format
  view.setUint16(at + 2, 24); // length
  view.setUint16(at + 6, 2); // segCountX2
  view.setUint16(at + 8, 2); // searchRange
  view.setUint16(at + 14, 0xffff); // endCode
  view.setUint16(at + 18, 0xffff); // startCode
  view.setUint16(at + 20, 1); // idDelta
  return bytesOf(view);
})();

function align4(length: number): number {
  return (length + 3) & ~3;
}

function bytesOf(view: DataView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function copyTable(font: TrueTypeFont, tag: string): DataView {
  const bytes = font.tableBytes(tag);
  if (bytes === undefined) throw new FontError(`the font has no '${tag}' table`);
  return new DataView(Uint8Array.from(bytes).buffer);
}

function checksum(bytes: Uint8Array): number {
  let total = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole = bytes.length & ~3;
  for (let i = 0; i < whole; i += 4) total = (total + view.getUint32(i)) >>> 0;
  if (whole < bytes.length) {
    let last = 0;
    for (let i = whole; i < whole + 4; i += 1) last = (last << 8) | (bytes[i] ?? 0);
    total = (total + (last >>> 0)) >>> 0;
  }
  return total;
}

/** An sfnt file: the table directory (tags in order, with checksums), then the tables, 4-aligned. */
function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const entries = [...tables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const count = entries.length;
  let size = 12 + count * 16;
  for (const [, bytes] of entries) size += align4(bytes.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const power = 2 ** Math.floor(Math.log2(count));
  view.setUint32(0, 0x00010000);
  view.setUint16(4, count);
  view.setUint16(6, power * 16);
  view.setUint16(8, Math.log2(power));
  view.setUint16(10, count * 16 - power * 16);
  let offset = 12 + count * 16;
  let headOffset = -1;
  // Tables start 4-aligned and are padded with zeros: the file's sum is the directory's plus theirs.
  let fileSum = 0;
  entries.forEach(([tag, bytes], i) => {
    const record = 12 + i * 16;
    for (let j = 0; j < 4; j += 1) view.setUint8(record + j, tag.charCodeAt(j));
    const sum = checksum(bytes);
    fileSum = (fileSum + sum) >>> 0;
    view.setUint32(record + 4, sum);
    view.setUint32(record + 8, offset);
    view.setUint32(record + 12, bytes.length);
    out.set(bytes, offset);
    if (tag === 'head') headOffset = offset;
    offset += align4(bytes.length);
  });
  fileSum = (fileSum + checksum(out.subarray(0, 12 + count * 16))) >>> 0;
  if (headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0afba - fileSum) >>> 0);
  return out;
}
