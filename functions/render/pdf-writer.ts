/**
 * A lean PDF writer: exactly what our quote layout draws (text in embedded TrueType subsets, filled
 * rectangles and rounded ones, straight rules, images) and nothing else. Positions are given as on
 * the page, from its top-left corner, in points; the writer turns them into PDF's bottom-up space.
 *
 * Text: each font is embedded as a Type0 font over a CIDFontType2 subset (Identity-H, CID = the
 * glyph's index in the subset, CIDToGIDMap Identity), with widths and a ToUnicode map, so the text
 * extracts and searches. Kerning comes from the font's layout (truetype.ts) and goes into TJ
 * adjustments. Every stream but a JPEG's is Flate-compressed.
 *
 * Deterministic: the same calls give the same bytes (no clock, no random source; the file ID and
 * dates are the caller's).
 */
import { deflateSync } from 'node:zlib';
import type { Glyph, TrueTypeFont, TrueTypeSubset } from './truetype.ts';

/** A word laid out in the 1000-unit text space: what a PDF's TJ and its widths are written in. */
interface ShapedWord {
  glyphs: Glyph[];
  /** Advances as kerned. */
  xAdvance: number[];
  /** Advances as the glyphs' own: a difference is a kerning adjustment. */
  advance: number[];
  xOffset: number[];
  yOffset: number[];
  width: number;
}

/** What the layout needs of a font, shared by every document of the process (it is read-only). */
class FontFace {
  readonly scale: number;
  readonly ascender: number;
  private readonly words = new Map<string, ShapedWord>();
  private readonly widths = new Map<string, number>();

  constructor(readonly font: TrueTypeFont) {
    this.scale = 1000 / font.unitsPerEm;
    this.ascender = font.ascent * this.scale;
  }

  /** A word with its trailing space, if any: kerning never crosses a space. */
  word(text: string): ShapedWord {
    let shaped = this.words.get(text);
    if (shaped === undefined) {
      const run = this.font.layout(text);
      const { scale } = this;
      shaped = {
        glyphs: run.glyphs,
        xAdvance: run.positions.map((p) => p.xAdvance * scale),
        advance: run.glyphs.map((g) => g.advanceWidth * scale),
        xOffset: run.positions.map((p) => p.xOffset * scale),
        yOffset: run.positions.map((p) => p.yOffset * scale),
        width: 0,
      };
      shaped.width = shaped.xAdvance.reduce((sum, x) => sum + x, 0);
      this.words.set(text, shaped);
    }
    return shaped;
  }

  /** The words of a string, each with the space or tab that ends it. */
  *split(text: string): Generator<ShapedWord> {
    let last = 0;
    for (let i = 0; i < text.length; i += 1) {
      const char = text[i];
      if (char === ' ' || char === '\t') {
        yield this.word(text.slice(last, i + 1));
        last = i + 1;
      }
    }
    if (last < text.length) yield this.word(text.slice(last));
  }

  /** A string's width in the 1000-unit space, before any character spacing. */
  width(text: string): number {
    let width = this.widths.get(text);
    if (width === undefined) {
      width = 0;
      for (const word of this.split(text)) width += word.width;
      this.widths.set(text, width);
    }
    return width;
  }

  forget(): void {
    this.words.clear();
    this.widths.clear();
  }
}

const faces = new Map<TrueTypeFont, FontFace>();
function faceOf(font: TrueTypeFont): FontFace {
  let face = faces.get(font);
  if (face === undefined) {
    face = new FontFace(font);
    faces.set(font, face);
  }
  return face;
}

/** The width of `text` at `size` points, with `characterSpacing` between its characters. */
export function textWidth(font: TrueTypeFont, text: string, size: number, characterSpacing = 0): number {
  return faceOf(font).width(text) * (size / 1000) + characterSpacing * (text.length - 1);
}

/** Where the top of a line of `size` points sits above its baseline. */
export function ascenderOf(font: TrueTypeFont, size: number): number {
  return (faceOf(font).ascender / 1000) * size;
}

/**
 * Documents between two emptyings of the shared layout caches, so that a long-lived process does not
 * keep every word it ever printed. The caches refill on use; the bytes do not change.
 */
const DOCUMENTS_PER_LAYOUT_CACHE = 500;
let documentsSinceForget = 0;
function countDocument(): void {
  if (++documentsSinceForget <= DOCUMENTS_PER_LAYOUT_CACHE) return;
  for (const face of faces.values()) face.forget();
  documentsSinceForget = 1;
}

/** An image ready to embed: its XObject dictionary entries and (compressed) data. */
export interface PdfImage {
  readonly width: number;
  readonly height: number;
  readonly entries: string;
  readonly data: Buffer;
  /** The alpha channel, a DeviceGray image of the same size. */
  readonly mask?: { entries: string; data: Buffer };
}

/** An image XObject's dictionary entries: 8 bits a sample. */
function imageEntries(width: number, height: number, space: string, filter: string): string {
  return `/Width ${width} /Height ${height} /BitsPerComponent 8 /ColorSpace ${space} /Filter ${filter}`;
}

/** 8-bit RGB pixels, rows top to bottom, with an optional alpha plane (one byte a pixel). */
export function rgbImage(width: number, height: number, rgb: Buffer, alpha?: Buffer): PdfImage {
  return {
    width,
    height,
    entries: imageEntries(width, height, '/DeviceRGB', '/FlateDecode'),
    data: deflateSync(rgb),
    ...(alpha === undefined
      ? {}
      : {
          mask: {
            entries: imageEntries(width, height, '/DeviceGray', '/FlateDecode'),
            data: deflateSync(alpha),
          },
        }),
  };
}

/** JPEG colour spaces by component count. */
const JPEG_SPACES: Record<number, string> = { 1: '/DeviceGray', 3: '/DeviceRGB', 4: '/DeviceCMYK' };

/** A JPEG embedded as is (DCTDecode); size and components from its frame header. */
export function jpegImage(bytes: Buffer): PdfImage | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    // SOF0..SOF15 carry the frame; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 10 > bytes.length) return null;
      const height = bytes.readUInt16BE(at + 5);
      const width = bytes.readUInt16BE(at + 7);
      const components = bytes[at + 9] ?? 0;
      const space = JPEG_SPACES[components];
      if (space === undefined || width === 0 || height === 0) return null;
      // CMYK JPEGs come from Adobe's tools, which store the channels inverted.
      const decode = components === 4 ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
      return {
        width,
        height,
        entries: imageEntries(width, height, space + decode, '/DCTDecode'),
        data: bytes,
      };
    }
    at += 2 + length;
  }
  return null;
}

/** PDF numbers: at most three decimals (a thousandth of a point), never an exponent. */
function num(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** A `#rrggbb` colour (the only form templates allow) as PDF's three components. */
function rgb(color: string): string {
  const value = Number.parseInt(color.slice(1), 16);
  const channel = (shift: number) => num(((value >> shift) & 0xff) / 255);
  return `${channel(16)} ${channel(8)} ${channel(0)}`;
}

/** Text as UTF-16BE, in hex: PDF's text strings and ToUnicode maps. */
function utf16be(text: string): string {
  return Buffer.from(text, 'utf16le').swap16().toString('hex');
}

/** A text string: literal when printable ASCII, else UTF-16BE with its byte order mark. */
function pdfString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  return `<feff${utf16be(text)}>`;
}

/** A date as PDF writes them, in UTC: D:YYYYMMDDHHmmssZ. */
function pdfDate(iso: string): string {
  const date = new Date(iso);
  return `(D:${date.toISOString().slice(0, 19).replace(/[-:T]/g, '')}Z)`;
}

/** A font as one document uses it: the glyphs it printed, their widths and characters. */
class DocumentFont {
  readonly subset: TrueTypeSubset;
  private readonly widths: number[];
  private readonly unicode: number[][] = [[0]];

  constructor(
    readonly name: string,
    readonly face: FontFace,
  ) {
    this.subset = face.font.createSubset();
    this.widths = [face.font.getGlyph(0).advanceWidth * face.scale];
  }

  private code(glyph: Glyph): string {
    const cid = this.subset.includeGlyph(glyph.id);
    if (this.widths[cid] === undefined) {
      this.widths[cid] = glyph.advanceWidth * this.face.scale;
      this.unicode[cid] = glyph.codePoints;
    }
    return cid.toString(16).padStart(4, '0');
  }

  /** The operators that show `text` from (x, y), its baseline, in PDF space. */
  show(text: string, x: number, y: number, size: number): string {
    const out: string[] = [];
    const scale = size / 1000;
    let segment = '';
    let line = '';
    let penX = x;
    let moved = false;
    const flush = () => {
      if (segment !== '') line += `<${segment}>`;
      segment = '';
      if (line !== '') out.push(`[${line}] TJ`);
      line = '';
    };
    for (const word of this.face.split(text)) {
      word.glyphs.forEach((glyph, i) => {
        const xOffset = word.xOffset[i] ?? 0;
        const yOffset = word.yOffset[i] ?? 0;
        const xAdvance = word.xAdvance[i] ?? 0;
        if (xOffset !== 0 || yOffset !== 0) {
          flush();
          out.push(`1 0 0 1 ${num(penX + xOffset * scale)} ${num(y + yOffset * scale)} Tm`);
          out.push(`[<${this.code(glyph)}>] TJ`);
          moved = true;
        } else {
          if (moved) {
            flush();
            out.push(`1 0 0 1 ${num(penX)} ${num(y)} Tm`);
            moved = false;
          }
          segment += this.code(glyph);
          const kern = xAdvance - (word.advance[i] ?? 0);
          if (kern !== 0) {
            line += `<${segment}> ${num(-kern)} `;
            segment = '';
          }
        }
        penX += xAdvance * scale;
      });
    }
    flush();
    return out.join('\n');
  }

  /** The font's objects: Type0 → CIDFontType2 → descriptor → subset file, and the ToUnicode map. */
  write(writer: ObjectWriter, ref: number, index: number): void {
    const { font, scale } = this.face;
    const file = this.subset.encode();
    const tag = `CLOSE${String.fromCharCode(65 + (index % 26))}`;
    const baseName = `${tag}+${font.postscriptName.replaceAll(' ', '_')}`;
    const familyClass = (font['OS/2']?.sFamilyClass ?? 0) >> 8;
    let flags = 1 << 2; // symbolic: the glyphs are addressed by index, not by a standard encoding
    if (font.post.isFixedPitch) flags |= 1 << 0;
    if (familyClass >= 1 && familyClass <= 7) flags |= 1 << 1;
    if (familyClass === 10) flags |= 1 << 3;
    if (font.head.macStyle.italic) flags |= 1 << 6;
    const { bbox } = font;
    const fileRef = writer.stream(`/Length1 ${file.length}`, Buffer.from(file));
    const descriptor = writer.object(
      `<<\n/Type /FontDescriptor\n/FontName /${baseName}\n/Flags ${flags}\n` +
        `/FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY].map((v) => num(v * scale)).join(' ')}]\n` +
        `/ItalicAngle ${num(font.italicAngle)}\n/Ascent ${num(font.ascent * scale)}\n` +
        `/Descent ${num(font.descent * scale)}\n/CapHeight ${num((font.capHeight || font.ascent) * scale)}\n` +
        `/XHeight ${num(font.xHeight * scale)}\n/StemV 0\n/FontFile2 ${fileRef} 0 R\n>>`,
    );
    const widths = Array.from(this.widths, (w) => num(w ?? 0)).join(' ');
    const descendant = writer.object(
      `<<\n/Type /Font\n/Subtype /CIDFontType2\n/BaseFont /${baseName}\n` +
        `/CIDSystemInfo <<\n/Registry (Adobe)\n/Ordering (Identity)\n/Supplement 0\n>>\n` +
        `/FontDescriptor ${descriptor} 0 R\n/W [0 [${widths}]]\n/CIDToGIDMap /Identity\n>>`,
    );
    const toUnicode = writer.stream('', Buffer.from(this.toUnicode(), 'latin1'));
    writer.object(
      `<<\n/Type /Font\n/Subtype /Type0\n/BaseFont /${baseName}\n/Encoding /Identity-H\n` +
        `/DescendantFonts [${descendant} 0 R]\n/ToUnicode ${toUnicode} 0 R\n>>`,
      ref,
    );
  }

  /** Each CID's characters as UTF-16BE, in ranges of 256 codes. */
  private toUnicode(): string {
    const entries = Array.from(
      this.unicode,
      (codePoints) => `<${utf16be(String.fromCodePoint(...(codePoints ?? [0])))}>`,
    );
    const ranges: string[] = [];
    for (let start = 0; start < entries.length; start += 256) {
      const end = Math.min(start + 256, entries.length);
      const hex = (n: number) => n.toString(16).padStart(4, '0');
      ranges.push(`<${hex(start)}> <${hex(end - 1)}> [${entries.slice(start, end).join(' ')}]`);
    }
    return [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo <<\n/Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<0000><ffff>',
      'endcodespacerange',
      `${ranges.length} beginbfrange`,
      ...ranges,
      'endbfrange',
      'endcmap',
      'CMapName currentdict /CMap defineresource pop',
      'end',
      'end',
    ].join('\n');
  }
}

/** Objects numbered as they are reserved, written in number order with their offsets. */
class ObjectWriter {
  private readonly bodies: (Buffer | undefined)[] = [];

  reserve(): number {
    this.bodies.push(undefined);
    return this.bodies.length;
  }

  object(body: string | Buffer, ref = this.reserve()): number {
    this.bodies[ref - 1] = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
    return ref;
  }

  /** A stream, Flate-compressed unless `entries` names a filter already. */
  stream(entries: string, data: Buffer, ref = this.reserve()): number {
    const raw = entries.includes('/Filter');
    const bytes = raw ? data : deflateSync(data);
    const dict = `<<\n/Length ${bytes.length}${raw ? '' : '\n/Filter /FlateDecode'}${entries ? `\n${entries}` : ''}\n>>`;
    return this.object(
      Buffer.concat([
        Buffer.from(`${dict}\nstream\n`, 'latin1'),
        bytes,
        Buffer.from('\nendstream', 'latin1'),
      ]),
      ref,
    );
  }

  /** The file: header, objects, cross-reference table and trailer. */
  file(trailer: string): Buffer {
    const header = Buffer.from('%PDF-1.7\n%\xff\xff\xff\xff\n', 'latin1');
    const parts: Buffer[] = [header];
    let length = header.length;
    const offsets: number[] = [];
    this.bodies.forEach((body, i) => {
      if (body === undefined) throw new Error(`PDF object ${i + 1} was reserved but never written`);
      offsets.push(length);
      const bytes = Buffer.concat([
        Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
        body,
        Buffer.from('\nendobj\n'),
      ]);
      parts.push(bytes);
      length += bytes.length;
    });
    const xref = [
      'xref',
      `0 ${offsets.length + 1}`,
      '0000000000 65535 f ',
      ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
      'trailer',
      `<<\n/Size ${offsets.length + 1}\n${trailer}\n>>`,
      'startxref',
      String(length),
      '%%EOF\n',
    ].join('\n');
    parts.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(parts);
  }
}

/** One page: its content operators and the fonts and images they use. */
export class PdfPage {
  private readonly content: string[] = [];
  readonly fonts = new Set<DocumentFont>();
  readonly images = new Set<PdfImage>();

  constructor(
    private readonly document: PdfDocument,
    readonly width: number,
    readonly height: number,
  ) {}

  /** The fill colour of the text that follows (shapes and images set theirs and restore it). */
  textColor(color: string): void {
    this.content.push(`${rgb(color)} rg`);
  }

  /** One line of text whose top is `top`, starting at `x`. */
  text(font: TrueTypeFont, size: number, x: number, top: number, text: string, characterSpacing = 0): void {
    const used = this.document.use(font);
    this.fonts.add(used);
    const baseline = this.height - top - ascenderOf(font, size);
    this.content.push(
      'BT',
      `1 0 0 1 ${num(x)} ${num(baseline)} Tm`,
      `/${used.name} ${num(size)} Tf`,
      // Character spacing is graphics state: it outlives ET, so it is set back for the next text.
      ...(characterSpacing === 0 ? [] : [`${num(characterSpacing)} Tc`]),
      used.show(text, x, baseline, size),
      ...(characterSpacing === 0 ? [] : ['0 Tc']),
      'ET',
    );
  }

  /** A horizontal rule at `y`, from `from` to `to`. */
  rule(y: number, from: number, to: number, thickness: number, color: string): void {
    const at = num(this.height - y);
    this.content.push(
      `q\n${num(from)} ${at} m\n${num(to)} ${at} l\n${num(thickness)} w\n${rgb(color)} RG\nS\nQ`,
    );
  }

  /** Filled rectangles (top-left corners), all in one colour; corners rounded by `radius`. */
  rects(boxes: readonly [number, number, number, number][], color: string, radius = 0): void {
    const paths = boxes.map(([x, y, w, h]) =>
      radius > 0 ? this.roundedPath(x, y, w, h, radius) : this.rectPath(x, y, w, h),
    );
    this.content.push(`q\n${paths.join('\n')}\n${rgb(color)} rg\nf\nQ`);
  }

  private rectPath(x: number, y: number, w: number, h: number): string {
    return `${num(x)} ${num(this.height - y - h)} ${num(w)} ${num(h)} re`;
  }

  /** Four quarter circles as Bézier curves (the usual 0.5523 control distance). */
  private roundedPath(x: number, y: number, w: number, h: number, radius: number): string {
    const r = Math.min(radius, w / 2, h / 2);
    const c = r * (1 - 0.5522847498);
    const [left, right, top, bottom] = [x, x + w, this.height - y, this.height - y - h];
    const p = (...values: number[]) => values.map(num).join(' ');
    return [
      `${p(left + r, top)} m`,
      `${p(right - r, top)} l`,
      `${p(right - c, top, right, top - c, right, top - r)} c`,
      `${p(right, bottom + r)} l`,
      `${p(right, bottom + c, right - c, bottom, right - r, bottom)} c`,
      `${p(left + r, bottom)} l`,
      `${p(left + c, bottom, left, bottom + c, left, bottom + r)} c`,
      `${p(left, top - r)} l`,
      `${p(left, top - c, left + c, top, left + r, top)} c`,
      'h',
    ].join('\n');
  }

  /** An image drawn in the box whose top-left corner is (x, y). */
  image(image: PdfImage, x: number, y: number, width: number, height: number): void {
    this.images.add(image);
    this.content.push(
      `q\n${num(width)} 0 0 ${num(height)} ${num(x)} ${num(this.height - y - height)} cm\n/${this.document.imageName(image)} Do\nQ`,
    );
  }

  contentBytes(): Buffer {
    return Buffer.from(this.content.join('\n'), 'latin1');
  }
}

export interface PdfInfo {
  title: string;
  author: string;
  subject: string;
  creator: string;
  producer: string;
  /** ISO timestamps. */
  creationDate: string;
  modDate: string;
}

/** A document: pages added in order, fonts and images embedded once each, written by `end`. */
export class PdfDocument {
  readonly pages: PdfPage[] = [];
  private readonly fonts = new Map<TrueTypeFont, DocumentFont>();
  /** Each image's resource name, I1, I2…, in the order first drawn. */
  private readonly images = new Map<PdfImage, string>();

  constructor(
    private readonly options: {
      width: number;
      height: number;
      lang: string;
      info: PdfInfo;
      /** 32 hex digits: the trailer's ID, both halves. */
      fileId: string;
    },
  ) {
    countDocument();
  }

  addPage(): PdfPage {
    const page = new PdfPage(this, this.options.width, this.options.height);
    this.pages.push(page);
    return page;
  }

  use(font: TrueTypeFont): DocumentFont {
    let used = this.fonts.get(font);
    if (used === undefined) {
      used = new DocumentFont(`F${this.fonts.size + 1}`, faceOf(font));
      this.fonts.set(font, used);
    }
    return used;
  }

  imageName(image: PdfImage): string {
    let name = this.images.get(image);
    if (name === undefined) {
      name = `I${this.images.size + 1}`;
      this.images.set(image, name);
    }
    return name;
  }

  end(): Buffer {
    const { info, lang, fileId, width, height } = this.options;
    const writer = new ObjectWriter();
    const catalog = writer.reserve();
    const pagesRef = writer.reserve();
    const infoRef = writer.object(
      `<<\n/Title ${pdfString(info.title)}\n/Author ${pdfString(info.author)}\n/Subject ${pdfString(info.subject)}\n` +
        `/Creator ${pdfString(info.creator)}\n/Producer ${pdfString(info.producer)}\n` +
        `/CreationDate ${pdfDate(info.creationDate)}\n/ModDate ${pdfDate(info.modDate)}\n>>`,
    );
    const fontRefs = new Map<DocumentFont, number>();
    for (const font of this.fonts.values()) fontRefs.set(font, writer.reserve());
    const imageRefs = new Map<PdfImage, number>();
    for (const image of this.images.keys()) {
      const mask = image.mask && writer.stream(image.mask.entries, image.mask.data);
      const entries = `${image.entries}${mask === undefined ? '' : `\n/SMask ${mask} 0 R`}\n/Type /XObject\n/Subtype /Image`;
      imageRefs.set(image, writer.stream(entries, image.data));
    }
    const pageRefs = this.pages.map((page) => {
      const content = writer.stream('', page.contentBytes());
      const fonts = [...page.fonts].map((font) => `/${font.name} ${fontRefs.get(font)} 0 R`).join('\n');
      const images = [...page.images].map(
        (image) => `/${this.images.get(image)} ${imageRefs.get(image)} 0 R`,
      );
      return writer.object(
        `<<\n/Type /Page\n/Parent ${pagesRef} 0 R\n/MediaBox [0 0 ${num(width)} ${num(height)}]\n/Contents ${content} 0 R\n` +
          `/Resources <<\n/ProcSet [/PDF /Text /ImageB /ImageC /ImageI]\n/Font <<\n${fonts}\n>>` +
          `${images.length === 0 ? '' : `\n/XObject <<\n${images.join('\n')}\n>>`}\n>>\n>>`,
      );
    });
    let index = 0;
    for (const [font, ref] of fontRefs) font.write(writer, ref, index++);
    writer.object(
      `<<\n/Type /Pages\n/Count ${pageRefs.length}\n/Kids [${pageRefs.map((ref) => `${ref} 0 R`).join(' ')}]\n>>`,
      pagesRef,
    );
    writer.object(
      `<<\n/Type /Catalog\n/Pages ${pagesRef} 0 R\n/Lang ${pdfString(lang)}\n/ViewerPreferences <<\n/DisplayDocTitle true\n>>\n>>`,
      catalog,
    );
    return writer.file(`/Root ${catalog} 0 R\n/Info ${infoRef} 0 R\n/ID [<${fileId}> <${fileId}>]`);
  }
}
