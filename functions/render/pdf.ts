import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encode as encodeQr } from 'uqr';
import { decodePng, PngError } from '#domain/png';
import { SignatureImageError, signatureForPdf } from '#domain/signature';
import type { EventActor } from '#schemas/deals';
import type { SignatureMethod } from '#schemas/quotes';
import { fill, formatDateTime, type LabelKey, type Labels } from './i18n.ts';
import { jpegImage, PdfDocument, type PdfImage, type PdfPage, rgbImage, textWidth } from './pdf-writer.ts';
import { TrueTypeFont } from './truetype.ts';
import type { Paragraph, QuoteView } from './view.ts';

/** What the signed copy's last page certifies. Times are ISO timestamps. */
export interface Certificate {
  signerName: string;
  signerEmail?: string;
  signedAt: string;
  ip: string;
  userAgent: string;
  /** SHA-256 (hex) of the unsigned PDF the signer was shown. */
  documentHash: string;
  method: SignatureMethod;
  /** The drawn signature, a `data:image/png;base64,` URL. */
  signatureImage?: string;
  /** The signer proved they read the recipient's mailbox (a one-time code). */
  verification?: { to: string; sentAt: string };
  events: CertificateEvent[];
  /** SHA-256 of the last event listed: the head of the quote's event hash chain. */
  chainHead?: string;
  /** Where anyone can check the file (printed, and drawn as a QR code). */
  verifyUrl?: string;
}

export interface CertificateEvent {
  at: string;
  type: string;
  actor: EventActor;
}

export interface RenderPdfOptions {
  /** Appends the signature certificate page(s): the signed copy. */
  certificate?: Certificate;
}

type FontKey = 'regular' | 'bold' | 'heading';
type Align = 'left' | 'right';

interface Run {
  text: string;
  font: FontKey;
  size: number;
  color: string;
}

/** One wrapped line of a cell. */
interface Laid extends Run {
  height: number;
}

interface Column {
  width: number;
  align: Align;
  /** Numeric cells never wrap; they shrink to fit instead, so an amount is never split. */
  wrap: boolean;
}

interface TableSpec {
  x: number;
  columns: Column[];
  header: string[] | null;
  rows: Run[][][];
  style: 'ruled' | 'zebra' | 'plain';
}

const PAD_X = 4;
const PAD_Y = 3.5;
const LEADING = 1.32;
const MIN_SHRUNK_SIZE = 5;

const PAGE_SIZES = { A4: [595.28, 841.89], LETTER: [612, 792] } as const;

/** Event types we can name in words; others print as stored. */
const EVENT_LABELS: Record<string, LabelKey> = {
  'quote.reminder_sent': 'eventQuoteReminderSent',
  'quote.link_scanned': 'eventQuoteLinkScanned',
  'quote.code_sent': 'eventQuoteCodeSent',
  'quote.created': 'eventQuoteCreated',
  'quote.sent': 'eventQuoteSent',
  'quote.resent': 'eventQuoteResent',
  'quote.viewed': 'eventQuoteViewed',
  'quote.signed': 'eventQuoteSigned',
  'quote.changes_requested': 'eventQuoteChangesRequested',
  'quote.declined': 'eventQuoteDeclined',
  'quote.expired': 'eventQuoteExpired',
  'quote.withdrawn': 'eventQuoteWithdrawn',
  'email.sent': 'eventEmailSent',
  'email.failed': 'eventEmailFailed',
};

const ACTOR_LABELS: Record<EventActor['type'], LabelKey> = {
  user: 'actorUser',
  customer: 'actorCustomer',
  system: 'actorSystem',
};

/**
 * Each font file is read once per process by our TrueType reader (truetype.ts: metrics, cmap, pair
 * kerning, subsetting) and the reader is shared: it keeps only caches of what it read. The writer
 * keeps each font's laid-out words and string widths for every render of the process too (emptied
 * every 500 documents).
 */
type Font = TrueTypeFont;
const parsedFonts = new Map<string, Font>();
function fontFile(path: string): Font {
  let font = parsedFonts.get(path);
  if (font === undefined) {
    font = new TrueTypeFont(readFileSync(path));
    parsedFonts.set(path, font);
  }
  return font;
}

/**
 * A document that cannot be rendered (a damaged image, a template that fails): an error of that one
 * document, thrown (or rejected) where the caller awaits it, never from a callback of the PDF library.
 */
export class RenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
  }
}

/**
 * Logo images, decoded and compressed for the PDF once per process, not once per render. A PNG is
 * decoded whole, synchronously, so a damaged one fails this render with a RenderError; its alpha, if
 * any, becomes the image's soft mask.
 */
const logoImages = new Map<string, PdfImage>();
function logoImage(base64: string): PdfImage {
  let image = logoImages.get(base64);
  if (image === undefined) {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.subarray(1, 4).toString('latin1') === 'PNG') {
      image = pngImage(bytes);
    } else {
      const jpeg = jpegImage(bytes);
      if (jpeg === null) throw new RenderError(`the template's logo is not a readable PNG or JPEG image`);
      image = jpeg;
    }
    logoImages.set(base64, image);
  }
  return image;
}

function pngImage(bytes: Buffer): PdfImage {
  let pixels: ReturnType<typeof decodePng>;
  try {
    pixels = decodePng(bytes);
  } catch (error) {
    if (!(error instanceof PngError)) throw error;
    throw new RenderError(`the template's logo is not a readable PNG: ${error.message}`, { cause: error });
  }
  const { width, height, rgba } = pixels;
  const count = width * height;
  const rgb = Buffer.alloc(count * 3);
  const alpha = Buffer.alloc(count);
  let opaque = true;
  for (let i = 0; i < count; i += 1) {
    rgb[i * 3] = rgba[i * 4] ?? 0;
    rgb[i * 3 + 1] = rgba[i * 4 + 1] ?? 0;
    rgb[i * 3 + 2] = rgba[i * 4 + 2] ?? 0;
    alpha[i] = rgba[i * 4 + 3] ?? 0;
    if (alpha[i] !== 255) opaque = false;
  }
  return rgbImage(width, height, rgb, opaque ? undefined : alpha);
}

/** The box an image of this size takes when fitted into `width` × `height`, keeping its proportions. */
function fitted(image: PdfImage, width: number, height: number): { width: number; height: number } {
  const scale = Math.min(width / image.width, height / image.height);
  return { width: image.width * scale, height: image.height * scale };
}

/** "2026-11-21 10:00:00": compact and unambiguous for the history table (its header says UTC). */
function utcStamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Lays the quote out by hand: every string is placed at a computed position, and the page breaks
 * (with the table header repeated) are ours.
 */
class Layout {
  readonly doc: PdfDocument;
  page: PdfPage;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  y: number;
  private readonly fonts: Record<FontKey, Font>;
  /**
   * The text colour last set on a page. Shapes and images set theirs between save and restore, so
   * on the same page the colour is still in force and is not written again before the next text.
   */
  private textFill?: { color: string; page: PdfPage };

  constructor(
    readonly view: QuoteView,
    meta: { modDate: string; fileId: string },
  ) {
    const { theme, document } = view;
    const [pageWidth, pageHeight] = PAGE_SIZES[theme.size];
    this.pageWidth = pageWidth;
    this.pageHeight = pageHeight;
    this.fonts = {
      regular: fontFile(theme.fonts.regular),
      bold: fontFile(theme.fonts.bold),
      heading: fontFile(theme.fonts.heading),
    };
    this.doc = new PdfDocument({
      width: pageWidth,
      height: pageHeight,
      lang: view.lang,
      fileId: meta.fileId,
      info: {
        title: document.title,
        author: document.author,
        subject: document.subject,
        creator: 'Closer',
        producer: 'Closer',
        creationDate: document.creationDate,
        modDate: meta.modDate,
      },
    });
    this.page = this.doc.addPage();
    this.left = theme.margins.left;
    this.right = pageWidth - theme.margins.right;
    this.top = theme.margins.top;
    this.bottom = pageHeight - theme.margins.bottom;
    this.width = this.right - this.left;
    this.y = this.top;
  }

  get colors() {
    return this.view.theme.colors;
  }

  get size(): number {
    return this.view.theme.fontSize;
  }

  lineHeight(size: number): number {
    return size * LEADING;
  }

  /** The width of `text` as printed. */
  measure(text: string, font: FontKey, size: number, characterSpacing = 0): number {
    return textWidth(this.fonts[font], text, size, characterSpacing);
  }

  /**
   * Greedy word wrap. Words are measured once each and summed with the space width (kerning
   * across a space is nil in DejaVu). A word wider than the line is cut between characters (hashes,
   * URLs), unless `breakWords` is off: then it keeps its own line and `text` shrinks it to fit.
   */
  wrap(text: string, font: FontKey, size: number, width: number, breakWords = true): string[] {
    if (text.trim() === '') return [''];
    const space = this.measure(' ', font, size);
    const lines: string[] = [];
    let current = '';
    let currentWidth = 0;
    for (const word of text.split(/ +/).filter((w) => w !== '')) {
      const wordWidth = this.measure(word, font, size);
      if (current !== '' && currentWidth + space + wordWidth <= width) {
        current += ` ${word}`;
        currentWidth += space + wordWidth;
        continue;
      }
      if (current !== '') lines.push(current);
      if (wordWidth <= width || !breakWords) {
        current = word;
        currentWidth = wordWidth;
        continue;
      }
      let chunk = '';
      for (const char of word) {
        if (chunk !== '' && this.measure(chunk + char, font, size) > width) {
          lines.push(chunk);
          chunk = char;
        } else {
          chunk += char;
        }
      }
      current = chunk;
      currentWidth = this.measure(chunk, font, size);
    }
    lines.push(current);
    return lines;
  }

  /** One line of text, never wrapped, its top at `y`. Right-aligned text ends at `x`. */
  text(
    run: Run,
    x: number,
    y: number,
    options: { align?: Align | 'center'; characterSpacing?: number; maxWidth?: number } = {},
  ): void {
    if (run.text === '') return;
    const spacing = options.characterSpacing ?? 0;
    let size = run.size;
    let width = this.measure(run.text, run.font, size, spacing);
    if (options.maxWidth !== undefined && width > options.maxWidth) {
      size = Math.max(MIN_SHRUNK_SIZE, (size * options.maxWidth) / width);
      width = this.measure(run.text, run.font, size, spacing);
    }
    const left = options.align === 'right' ? x - width : options.align === 'center' ? x - width / 2 : x;
    const { page } = this;
    if (this.textFill?.color !== run.color || this.textFill.page !== page) {
      page.textColor(run.color);
      this.textFill = { color: run.color, page };
    }
    page.text(this.fonts[run.font], size, left, y, run.text, spacing);
  }

  rule(y: number, color: string, thickness: number, from = this.left, to = this.right): void {
    this.page.rule(y, from, to, thickness, color);
  }

  box(x: number, y: number, width: number, height: number, color: string, radius = 0): void {
    this.page.rects([[x, y, width, height]], color, radius);
  }

  /** Where content starts below the running header of a continuation page. */
  continuationTop(): number {
    return this.view.theme.header === 'band' ? this.top : this.top + this.lineHeight(this.size + 1) + 14;
  }

  /** Starts a new page with the running header of continuation pages. */
  newPage(): void {
    this.page = this.doc.addPage();
    const { view } = this;
    const title = fill(view.labels.continued, { title: view.title });
    if (view.theme.header === 'band') {
      const bandHeight = this.top - 12;
      this.box(0, 0, this.pageWidth, bandHeight, this.colors.primary);
      const y = (bandHeight - this.lineHeight(this.size)) / 2;
      this.text(
        { text: view.seller.name, font: 'bold', size: this.size, color: this.colors.onPrimary },
        this.left,
        y,
      );
      this.text(
        { text: title, font: 'regular', size: this.size, color: this.colors.onPrimary },
        this.right,
        y,
        {
          align: 'right',
        },
      );
    } else {
      this.text(
        { text: view.seller.name, font: 'heading', size: this.size + 1, color: this.colors.primary },
        this.left,
        this.top,
      );
      this.text(
        { text: title, font: 'regular', size: this.size - 0.5, color: this.colors.muted },
        this.right,
        this.top + 1,
        {
          align: 'right',
        },
      );
      this.rule(this.top + this.lineHeight(this.size + 1) + 3, this.colors.primary, 0.8);
    }
    this.y = this.continuationTop();
  }

  /** Makes room for `height` points, breaking the page if needed; says whether it broke. */
  ensure(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  /** Wrapped paragraphs that flow across pages line by line. */
  paragraphs(paragraphs: Paragraph[], run: Omit<Run, 'text'>, gap = 6): void {
    const lh = this.lineHeight(run.size);
    for (const paragraph of paragraphs) {
      for (const source of paragraph) {
        for (const line of this.wrap(source, run.font, run.size, this.width)) {
          this.ensure(lh);
          this.text({ ...run, text: line }, this.left, this.y);
          this.y += lh;
        }
      }
      this.y += gap;
    }
  }

  private layCell(runs: Run[], column: Column, breakWords = true): Laid[] {
    const inner = column.width - 2 * PAD_X;
    return runs.flatMap((run) => {
      const lines = column.wrap ? this.wrap(run.text, run.font, run.size, inner, breakWords) : [run.text];
      return lines.map((text) => ({ ...run, text, height: this.lineHeight(run.size) }));
    });
  }

  private drawCells(spec: TableSpec, cells: Laid[][], y: number): void {
    let x = spec.x;
    spec.columns.forEach((column, i) => {
      let lineY = y + PAD_Y;
      for (const laid of cells[i] ?? []) {
        const at = column.align === 'right' ? x + column.width - PAD_X : x + PAD_X;
        this.text(laid, at, lineY, { align: column.align, maxWidth: column.width - 2 * PAD_X });
        lineY += laid.height;
      }
      x += column.width;
    });
  }

  private tableWidth(spec: TableSpec): number {
    return spec.columns.reduce((sum, c) => sum + c.width, 0);
  }

  private headerHeight(spec: TableSpec): number {
    if (spec.header === null) return 0;
    const cells = this.headerCells(spec);
    return 2 * PAD_Y + Math.max(...cells.map((c) => c.reduce((sum, l) => sum + l.height, 0)));
  }

  private headerCells(spec: TableSpec): Laid[][] {
    const header = spec.header ?? [];
    const zebra = spec.style === 'zebra';
    return spec.columns.map((column, i) =>
      this.layCell(
        [
          {
            text: header[i] ?? '',
            font: 'bold',
            size: this.size - 1,
            color: zebra ? this.colors.onPrimary : this.colors.primary,
          },
        ],
        { ...column, wrap: true },
        false,
      ),
    );
  }

  private drawHeader(spec: TableSpec): void {
    if (spec.header === null) return;
    const height = this.headerHeight(spec);
    const width = this.tableWidth(spec);
    if (spec.style === 'zebra') {
      this.box(spec.x, this.y, width, height, this.colors.primary, 3);
    } else {
      this.rule(this.y, this.colors.primary, 1.2, spec.x, spec.x + width);
      this.rule(this.y + height, this.colors.primary, 0.6, spec.x, spec.x + width);
    }
    this.drawCells(spec, this.headerCells(spec), this.y);
    this.y += height;
  }

  private rowFragment(spec: TableSpec, cells: Laid[][], index: number): void {
    const height = 2 * PAD_Y + Math.max(0, ...cells.map((c) => c.reduce((sum, l) => sum + l.height, 0)));
    const width = this.tableWidth(spec);
    if (spec.style === 'zebra' && index % 2 === 1) this.box(spec.x, this.y, width, height, this.colors.tint);
    this.drawCells(spec, cells, this.y);
    this.y += height;
    if (spec.style === 'ruled') this.rule(this.y, this.colors.rule, 0.5, spec.x, spec.x + width);
  }

  /**
   * Draws a table from `this.y`. A row that does not fit moves to the next page, whose first row is
   * the repeated header; a row taller than a whole page is cut between its lines.
   */
  table(spec: TableSpec): void {
    const headerHeight = this.headerHeight(spec);
    this.ensure(headerHeight + 2 * PAD_Y + this.lineHeight(this.size));
    this.drawHeader(spec);
    let afterHeader = this.y;
    const pageRoom = this.bottom - this.continuationTop() - headerHeight;
    spec.rows.forEach((row, index) => {
      let cells = spec.columns.map((column, i) => this.layCell(row[i] ?? [], column));
      for (;;) {
        const height = 2 * PAD_Y + Math.max(0, ...cells.map((c) => c.reduce((sum, l) => sum + l.height, 0)));
        if (this.y + height <= this.bottom) {
          this.rowFragment(spec, cells, index);
          return;
        }
        if (height > pageRoom) {
          // Taller than any page: print what fits here, carry the rest over. Right under a
          // header at least one line per cell goes, so the loop always progresses.
          const room = this.bottom - this.y - 2 * PAD_Y;
          const fresh = this.y === afterHeader;
          const split = cells.map((c) => {
            let used = 0;
            let n = 0;
            while (n < c.length && (used + (c[n]?.height ?? 0) <= room || (fresh && n === 0))) {
              used += c[n]?.height ?? 0;
              n += 1;
            }
            return n;
          });
          if (split.some((n) => n > 0)) {
            this.rowFragment(
              spec,
              cells.map((c, i) => c.slice(0, split[i])),
              index,
            );
            cells = cells.map((c, i) => c.slice(split[i]));
            if (cells.every((c) => c.length === 0)) return;
          }
        }
        this.newPage();
        this.drawHeader(spec);
        afterHeader = this.y;
      }
    });
  }

  end(): Buffer {
    return this.doc.end();
  }
}

function drawLogo(layout: Layout, x: number, y: number, inverted: boolean): void {
  const { logo, colors } = layout.view.theme;
  const size = logo.size;
  if (logo.kind === 'image') {
    const image = logoImage(logo.base64);
    const box = fitted(image, size, size);
    layout.page.image(image, x + (size - box.width) / 2, y + (size - box.height) / 2, box.width, box.height);
    return;
  }
  const background = inverted ? colors.onPrimary : colors.primary;
  const foreground = inverted ? colors.primary : colors.onPrimary;
  const radius = logo.shape === 'circle' ? size / 2 : logo.shape === 'rounded' ? size * 0.18 : 0;
  layout.box(x, y, size, size, background, radius);
  const textSize = size * 0.4;
  layout.text(
    { text: logo.text, font: 'bold', size: textSize, color: foreground },
    x + size / 2,
    y + (size - layout.lineHeight(textSize)) / 2 + textSize * 0.12,
    { align: 'center', maxWidth: size * 0.85 },
  );
}

/** Address and details of a party, as runs. */
function partyRuns(layout: Layout, party: QuoteView['seller'], labels: Labels, withName: boolean): Run[] {
  const { colors } = layout.view.theme;
  const size = layout.size;
  const runs: Run[] = [];
  if (withName) runs.push({ text: party.name, font: 'bold', size: size + 1, color: colors.text });
  if (party.attention !== null) {
    runs.push({ text: `${labels.attention} ${party.attention}`, font: 'regular', size, color: colors.text });
  }
  for (const line of party.address) runs.push({ text: line, font: 'regular', size, color: colors.text });
  for (const d of party.details)
    runs.push({ text: `${d.label} ${d.value}`, font: 'regular', size: size - 0.5, color: colors.muted });
  return runs;
}

/** Draws runs wrapped to `width` from (x, y); returns the height used. */
function block(
  layout: Layout,
  runs: Run[],
  x: number,
  y: number,
  width: number,
  align: Align = 'left',
): number {
  let lineY = y;
  for (const run of runs) {
    for (const text of layout.wrap(run.text, run.font, run.size, width)) {
      layout.text({ ...run, text }, align === 'right' ? x + width : x, lineY, { align });
      lineY += layout.lineHeight(run.size);
    }
  }
  return lineY - y;
}

function letterhead(layout: Layout): void {
  const { view } = layout;
  const { colors, logo } = view.theme;
  const size = layout.size;
  const top = layout.top;
  drawLogo(layout, layout.left, top, false);
  const textX = layout.left + logo.size + 12;
  const sellerWidth = layout.width * 0.55 - logo.size - 12;
  let sellerHeight = block(
    layout,
    [{ text: view.seller.name, font: 'heading', size: size + 5, color: colors.primary }],
    textX,
    top,
    sellerWidth,
  );
  sellerHeight += block(
    layout,
    view.seller.address.map((text) => ({ text, font: 'regular', size: size - 0.5, color: colors.muted })),
    textX,
    top + sellerHeight + 2,
    sellerWidth,
  );

  const rightWidth = layout.width * 0.42;
  layout.text(
    { text: view.labels.quote.toUpperCase(), font: 'heading', size: size + 13, color: colors.primary },
    layout.right,
    top - 2,
    {
      align: 'right',
      characterSpacing: 2,
    },
  );
  let factsY = top + layout.lineHeight(size + 13) + 2;
  for (const fact of view.facts) {
    layout.text({ text: fact.value, font: 'bold', size, color: colors.text }, layout.right, factsY, {
      align: 'right',
    });
    layout.text(
      { text: fact.label, font: 'regular', size, color: colors.muted },
      layout.right - 110,
      factsY,
      {
        align: 'right',
        maxWidth: rightWidth - 115,
      },
    );
    factsY += layout.lineHeight(size);
  }
  const headerBottom = Math.max(top + logo.size, top + sellerHeight + 2, factsY) + 10;
  layout.rule(headerBottom, colors.primary, 1.6);
  layout.rule(headerBottom + 3, colors.primary, 0.5);
  layout.y = headerBottom + 16;

  const columnWidth = (layout.width - 24) / 2;
  const label = (text: string): Run => ({
    text: text.toUpperCase(),
    font: 'bold',
    size: size - 1.5,
    color: colors.muted,
  });
  const y = layout.y;
  layout.text(label(view.labels.seller), layout.left, y, { characterSpacing: 1 });
  layout.text(label(view.labels.client), layout.left + columnWidth + 24, y, { characterSpacing: 1 });
  const bodyY = y + layout.lineHeight(size) + 2;
  const sellerDetails = view.seller.details.map(
    (d): Run => ({ text: `${d.label} ${d.value}`, font: 'regular', size: size - 0.5, color: colors.muted }),
  );
  const left = block(
    layout,
    [{ text: view.seller.name, font: 'heading', size: size + 1, color: colors.primary }, ...sellerDetails],
    layout.left,
    bodyY,
    columnWidth,
  );
  const clientRuns = partyRuns(layout, view.client, view.labels, false);
  const right = block(
    layout,
    [{ text: view.client.name, font: 'heading', size: size + 1, color: colors.primary }, ...clientRuns],
    layout.left + columnWidth + 24,
    bodyY,
    columnWidth,
  );
  layout.y = bodyY + Math.max(left, right) + 18;
}

function band(layout: Layout): void {
  const { view } = layout;
  const { colors, logo } = view.theme;
  const size = layout.size;
  const bandHeight = layout.top + logo.size + 22;
  layout.box(0, 0, layout.pageWidth, bandHeight, colors.primary);
  const logoY = layout.top - 2;
  drawLogo(layout, layout.left, logoY, true);
  layout.text(
    { text: view.seller.name, font: 'bold', size: size + 4, color: colors.onPrimary },
    layout.left + logo.size + 12,
    logoY + (logo.size - layout.lineHeight(size + 4)) / 2,
    { maxWidth: layout.width * 0.5 },
  );
  layout.text(
    { text: view.labels.quote.toUpperCase(), font: 'bold', size: size - 1, color: colors.onPrimary },
    layout.right,
    logoY,
    {
      align: 'right',
      characterSpacing: 1.5,
    },
  );
  layout.text(
    { text: view.number, font: 'bold', size: size + 11, color: colors.onPrimary },
    layout.right,
    logoY + layout.lineHeight(size),
    {
      align: 'right',
    },
  );

  // Facts strip: four columns under the band, underlined with the accent colour.
  let y = bandHeight + 12;
  const factWidth = layout.width / view.facts.length;
  view.facts.forEach((fact, i) => {
    const x = layout.left + i * factWidth;
    layout.text(
      { text: fact.label.toUpperCase(), font: 'regular', size: size - 2, color: colors.muted },
      x,
      y,
      {
        characterSpacing: 0.6,
        maxWidth: factWidth - 8,
      },
    );
    layout.text(
      { text: fact.value, font: 'bold', size, color: colors.text },
      x,
      y + layout.lineHeight(size - 2) + 1,
      {
        maxWidth: factWidth - 8,
      },
    );
  });
  y += layout.lineHeight(size - 2) + layout.lineHeight(size) + 8;
  layout.rule(y, colors.accent, 2.5);
  y += 14;

  // Two cards: seller and client.
  const gap = 14;
  const cardWidth = (layout.width - gap) / 2;
  const inner = cardWidth - 24;
  const title = (text: string): Run => ({
    text: text.toUpperCase(),
    font: 'bold',
    size: size - 1.5,
    color: colors.primary,
  });
  const sellerRuns = [title(view.labels.seller), ...partyRuns(layout, view.seller, view.labels, true)];
  const clientRuns = [title(view.labels.client), ...partyRuns(layout, view.client, view.labels, true)];
  const measureRuns = (runs: Run[]) =>
    runs.reduce(
      (h, run) => h + layout.wrap(run.text, run.font, run.size, inner).length * layout.lineHeight(run.size),
      0,
    );
  const cardHeight = Math.max(measureRuns(sellerRuns), measureRuns(clientRuns)) + 22;
  layout.box(layout.left, y, cardWidth, cardHeight, colors.tint, 8);
  layout.box(layout.left + cardWidth + gap, y, cardWidth, cardHeight, colors.tint, 8);
  layout.box(layout.left + cardWidth + gap, y, 4, cardHeight, colors.primary);
  block(layout, sellerRuns, layout.left + 12, y + 11, inner);
  block(layout, clientRuns, layout.left + cardWidth + gap + 14, y + 11, inner);
  layout.y = y + cardHeight + 18;
}

function linesTable(layout: Layout): void {
  const { view } = layout;
  const { colors } = view.theme;
  const size = layout.size - 0.5;
  const withDiscount = view.hasLineDiscounts;
  const fixed: Column[] = [
    { width: 26, align: 'right', wrap: false },
    { width: 0, align: 'left', wrap: true },
    { width: 38, align: 'right', wrap: false },
    { width: 72, align: 'right', wrap: false },
    ...(withDiscount ? [{ width: 46, align: 'right', wrap: false } as Column] : []),
    { width: 40, align: 'right', wrap: false },
    { width: 78, align: 'right', wrap: false },
  ];
  const itemWidth = layout.width - fixed.reduce((sum, c) => sum + c.width, 0);
  const columns = fixed.map((c, i) => (i === 1 ? { ...c, width: itemWidth } : c));
  const l = view.labels;
  const header = [
    l.lineNumber,
    l.item,
    l.quantity,
    l.unitPrice,
    ...(withDiscount ? [l.lineDiscount] : []),
    l.taxRate,
    l.lineNet,
  ];
  const cell = (text: string, font: FontKey = 'regular', color = colors.text): Run[] => [
    { text, font, size, color },
  ];
  const rows = view.lines.map((line) => [
    cell(line.position, 'regular', colors.muted),
    [
      { text: line.name, font: 'bold' as const, size, color: colors.text },
      ...line.description.map((text) => ({
        text,
        font: 'regular' as const,
        size: size - 1,
        color: colors.muted,
      })),
    ],
    cell(line.quantity),
    cell(line.unitPrice),
    ...(withDiscount ? [cell(line.discount ?? '')] : []),
    cell(line.taxRate),
    cell(line.net, 'bold'),
  ]);
  const captionSize = layout.size - 1;
  layout.ensure(layout.lineHeight(captionSize) + 60);
  layout.text(
    { text: view.amountsIn, font: 'regular', size: captionSize, color: colors.muted },
    layout.right,
    layout.y,
    {
      align: 'right',
    },
  );
  layout.y += layout.lineHeight(captionSize) + 2;
  layout.table({ x: layout.left, columns, header, rows, style: view.theme.table });
}

function summary(layout: Layout): void {
  const { view } = layout;
  const { colors } = view.theme;
  const size = layout.size;
  const gap = 24;
  const taxWidth = (layout.width - gap) * 0.48;
  const totalsWidth = layout.width - gap - taxWidth;
  const rowHeight = layout.lineHeight(size) + 2 * PAD_Y;
  const titleHeight = layout.lineHeight(size) + 4;
  const taxHeight = titleHeight + (view.taxes.length + 1.6) * rowHeight;
  const totalsHeight = view.totals.length * (rowHeight + 2) + 12;
  layout.y += 14;
  layout.ensure(Math.max(taxHeight, totalsHeight));
  const top = layout.y;

  // Tax breakdown, left.
  layout.text(
    { text: view.labels.taxBreakdown, font: 'bold', size, color: colors.primary },
    layout.left,
    top,
  );
  layout.y = top + titleHeight;
  const third = taxWidth / 3;
  layout.table({
    x: layout.left,
    columns: [
      { width: third, align: 'left', wrap: false },
      { width: third, align: 'right', wrap: false },
      { width: third, align: 'right', wrap: false },
    ],
    header: [view.labels.taxRateHeader, view.labels.taxBase, view.labels.taxAmount],
    rows: view.taxes.map((t) =>
      [t.rate, t.base, t.amount].map((text) => [
        { text, font: 'regular', size: size - 0.5, color: colors.text },
      ]),
    ),
    style: view.theme.table,
  });
  const taxBottom = layout.y;

  // Totals, right.
  const x = layout.left + taxWidth + gap;
  let y = top;
  for (const row of view.totals) {
    const grand = row.kind === 'total';
    const strong = grand || row.kind === 'net';
    const rowSize = grand ? size + 2 : size;
    const height = layout.lineHeight(rowSize) + 2 * PAD_Y;
    const font: FontKey =
      grand && view.theme.header === 'letterhead' ? 'heading' : strong ? 'bold' : 'regular';
    let color = colors.text;
    if (grand) {
      y += 4;
      if (view.theme.table === 'zebra') {
        layout.box(x, y, totalsWidth, height + 4, colors.primary, 4);
        color = colors.onPrimary;
      } else {
        layout.rule(y, colors.primary, 1.4, x, x + totalsWidth);
        layout.rule(y + 2.5, colors.primary, 0.5, x, x + totalsWidth);
        color = colors.primary;
      }
      y += 2;
    } else if (row.kind === 'net') {
      layout.rule(y, colors.rule, 0.6, x, x + totalsWidth);
    }
    layout.text({ text: row.label, font, size: rowSize, color }, x + PAD_X, y + PAD_Y, {
      maxWidth: totalsWidth * 0.6,
    });
    layout.text({ text: row.amount, font, size: rowSize, color }, x + totalsWidth - PAD_X, y + PAD_Y, {
      align: 'right',
      maxWidth: totalsWidth * 0.45,
    });
    y += height;
  }
  layout.y = Math.max(taxBottom, y) + 16;
}

function closing(layout: Layout): void {
  const { view } = layout;
  const { colors } = view.theme;
  const size = layout.size;
  const lh = layout.lineHeight(size);
  const validityLines = layout.wrap(view.validity, 'bold', size, layout.width - 16);
  layout.ensure(validityLines.length * lh + 12);
  if (view.theme.header === 'band') {
    layout.box(layout.left, layout.y, layout.width, validityLines.length * lh + 10, colors.tint);
    layout.box(layout.left, layout.y, 3, validityLines.length * lh + 10, colors.accent);
  }
  let y = layout.y + 5;
  const indent = view.theme.header === 'band' ? 10 : 0;
  for (const text of validityLines) {
    layout.text({ text, font: 'bold', size, color: colors.text }, layout.left + indent, y);
    y += lh;
  }
  layout.y = y + 18;

  if (view.terms.length > 0) {
    layout.ensure(lh * 3);
    const heading: Run = {
      text: view.labels.terms,
      font: view.theme.header === 'letterhead' ? 'heading' : 'bold',
      size: size + 1,
      color: colors.primary,
    };
    layout.text(heading, layout.left, layout.y);
    layout.y += layout.lineHeight(size + 1) + 4;
    layout.paragraphs(view.terms, { font: 'regular', size: size - 0.5, color: colors.muted }, 4);
  }
}

function intro(layout: Layout): void {
  const { view } = layout;
  if (view.intro.length === 0) return;
  layout.paragraphs(view.intro, { font: 'regular', size: layout.size, color: view.theme.colors.text }, 5);
  layout.y += 8;
}

function certificatePages(layout: Layout, certificate: Certificate, onNewPage = true): void {
  const { view } = layout;
  const { colors } = view.theme;
  const labels = view.labels;
  const size = layout.size;
  if (onNewPage) layout.newPage();
  layout.text(
    {
      text: labels.certificate,
      font: view.theme.header === 'letterhead' ? 'heading' : 'bold',
      size: size + 7,
      color: colors.primary,
    },
    layout.left,
    layout.y,
  );
  layout.y += layout.lineHeight(size + 7) + 6;
  layout.paragraphs([[fill(labels.certificateIntro, { number: view.number, version: view.version })]], {
    font: 'regular',
    size,
    color: colors.text,
  });
  layout.y += 6;

  const method = certificate.method === 'drawn' ? labels.methodDrawn : labels.methodTyped;
  const facts: [string, string][] = [
    [labels.signer, certificate.signerName],
    ...(certificate.signerEmail
      ? ([[labels.signerEmail, certificate.signerEmail]] as [string, string][])
      : []),
    [labels.signedAt, formatDateTime(certificate.signedAt, view.locale, 'UTC')],
    [labels.ipAddress, certificate.ip],
    [labels.userAgent, certificate.userAgent],
    [labels.signatureMethod, method],
    ...(certificate.verification
      ? ([
          [
            labels.signerVerification,
            fill(labels.verifiedByCode, {
              to: certificate.verification.to,
              at: formatDateTime(certificate.verification.sentAt, view.locale, 'UTC'),
            }),
          ],
        ] as [string, string][])
      : []),
    [labels.documentHash, certificate.documentHash],
    ...(certificate.chainHead ? ([[labels.chainHead, certificate.chainHead]] as [string, string][]) : []),
  ];
  const labelWidth = 150;
  layout.table({
    x: layout.left,
    columns: [
      { width: labelWidth, align: 'left', wrap: true },
      { width: layout.width - labelWidth, align: 'left', wrap: true },
    ],
    header: null,
    rows: facts.map(([label, value]) => [
      [{ text: label, font: 'bold', size, color: colors.muted }],
      // The hash is one 64-character word: a notch smaller, it stays on one line.
      [
        {
          text: value,
          font: 'regular',
          size: value === certificate.documentHash || value === certificate.chainHead ? size - 1.5 : size,
          color: colors.text,
        },
      ],
    ]),
    style: 'ruled',
  });
  layout.y += 4;
  layout.paragraphs([[labels.documentHashNote]], { font: 'regular', size: size - 1, color: colors.muted });
  if (certificate.chainHead) {
    layout.paragraphs([[labels.chainHeadNote]], { font: 'regular', size: size - 1, color: colors.muted });
  }

  if (certificate.signatureImage !== undefined) {
    let signature: ReturnType<typeof signatureForPdf>;
    try {
      signature = signatureForPdf(certificate.signatureImage);
    } catch (error) {
      throw new RenderError(`the stored signature image cannot be rendered: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const height = 70;
    layout.ensure(height + 10);
    const image = rgbImage(signature.width, signature.height, signature.rgb);
    const box = fitted(image, 220, height);
    layout.page.image(image, layout.left, layout.y, box.width, box.height);
    layout.rule(layout.y + height + 2, colors.rule, 0.5, layout.left, layout.left + 220);
    layout.y += height + 14;
  }

  layout.y += 8;
  layout.ensure(60);
  layout.text(
    { text: labels.history, font: 'bold', size: size + 1, color: colors.primary },
    layout.left,
    layout.y,
  );
  layout.y += layout.lineHeight(size + 1) + 4;
  const timeWidth = 120;
  const actorWidth = 150;
  layout.table({
    x: layout.left,
    columns: [
      { width: timeWidth, align: 'left', wrap: false },
      { width: layout.width - timeWidth - actorWidth, align: 'left', wrap: true },
      { width: actorWidth, align: 'left', wrap: true },
    ],
    header: [labels.eventTime, labels.eventType, labels.eventActor],
    rows: certificate.events.map((event) => {
      const typeKey = EVENT_LABELS[event.type];
      const actorType = labels[ACTOR_LABELS[event.actor.type]];
      const actor = event.actor.name ? `${event.actor.name} (${actorType})` : actorType;
      return [
        [{ text: utcStamp(event.at), font: 'regular', size: size - 0.5, color: colors.text }],
        [
          {
            text: typeKey ? labels[typeKey] : event.type,
            font: 'regular',
            size: size - 0.5,
            color: colors.text,
          },
        ],
        [{ text: actor, font: 'regular', size: size - 0.5, color: colors.text }],
      ];
    }),
    style: view.theme.table,
  });
  if (certificate.verifyUrl) verifyBlock(layout, certificate.verifyUrl);
}

/** The verify URL in words and as a QR code (drawn as vector squares: sharp at any zoom). */
function verifyBlock(layout: Layout, url: string): void {
  const { colors } = layout.view.theme;
  const size = layout.size;
  const qr = encodeQr(url, { ecc: 'M', border: 0 });
  const side = 84;
  const module = side / qr.size;
  layout.y += 12;
  layout.ensure(side + 8);
  const top = layout.y;
  const squares: [number, number, number, number][] = [];
  for (let row = 0; row < qr.size; row += 1) {
    for (let col = 0; col < qr.size; col += 1) {
      if (qr.data[row]?.[col]) squares.push([layout.left + col * module, top + row * module, module, module]);
    }
  }
  layout.page.rects(squares, '#000000');
  const textX = layout.left + side + 14;
  const maxWidth = layout.right - textX;
  layout.text({ text: layout.view.labels.verifyAt, font: 'bold', size, color: colors.text }, textX, top, {
    maxWidth,
  });
  layout.text(
    { text: url, font: 'regular', size: size - 1, color: colors.primary },
    textX,
    top + layout.lineHeight(size) + 2,
    { maxWidth },
  );
  layout.y = top + side + 8;
}

/** "Page x / n" and the seller line on every page, once the page count is known. */
function footers(layout: Layout, pageLabel?: string): void {
  const { view } = layout;
  const { colors } = view.theme;
  const { pages } = layout.doc;
  const size = layout.size - 1.5;
  const y = layout.bottom + 20;
  for (let i = 0; i < pages.length; i += 1) {
    layout.page = pages[i] as PdfPage;
    if (view.theme.header === 'letterhead') layout.rule(y - 6, colors.rule, 0.5);
    const page = pageLabel ?? fill(view.labels.page, { page: i + 1, pages: pages.length });
    layout.text({ text: view.footer, font: 'regular', size, color: colors.muted }, layout.left, y, {
      maxWidth: layout.width * 0.75,
    });
    layout.text(
      {
        text: page,
        font: view.theme.header === 'band' ? 'bold' : 'regular',
        size,
        color: view.theme.header === 'band' ? colors.primary : colors.muted,
      },
      layout.right,
      y,
      { align: 'right' },
    );
  }
}

/**
 * Renders the quote as a PDF. Deterministic: the same view (and certificate) always gives the same
 * bytes, because the info dates and the trailer ID come from the quote, fonts are subset under
 * sequential tags (F1, F2...) and nothing reads the clock or a random source. That is what lets
 * `documentHash` be recomputed later.
 *
 * With `certificate`, the signed copy: same pages, then the certificate; its ID and modification
 * date move to the signature so that it is a distinct document from the one that was signed.
 */
export async function renderQuotePdf(view: QuoteView, options: RenderPdfOptions = {}): Promise<Buffer> {
  const { certificate } = options;
  const layout = new Layout(view, {
    modDate: certificate?.signedAt ?? view.document.modDate,
    fileId:
      certificate === undefined
        ? view.document.fileId
        : signedFileId(view.document.fileId, certificate.documentHash),
  });
  if (view.theme.header === 'band') band(layout);
  else letterhead(layout);
  intro(layout);
  linesTable(layout);
  summary(layout);
  closing(layout);
  if (certificate !== undefined) certificatePages(layout, certificate);
  footers(layout);
  return layout.end();
}

/**
 * The certificate page(s) alone, in the quote's template: appended to the stored quote PDF as an
 * incremental update to make the signed copy, so the quote's own pages stay byte-for-byte those
 * the customer was shown. The footer names the certificate instead of numbering the pages, which
 * would count only these.
 */
export async function renderCertificatePdf(view: QuoteView, certificate: Certificate): Promise<Buffer> {
  const layout = new Layout(view, {
    modDate: certificate.signedAt,
    fileId: signedFileId(view.document.fileId, certificate.documentHash),
  });
  certificatePages(layout, certificate, false);
  footers(layout, view.labels.certificate);
  return layout.end();
}

/** The signed copy's ID: from the original's and the hash it certifies (no clock involved). */
function signedFileId(fileId: string, documentHash: string): string {
  return createHash('sha256').update(`${fileId}/signed/${documentHash}`).digest('hex').slice(0, 32);
}

export { SignatureImageError };
