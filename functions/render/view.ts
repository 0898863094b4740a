import { createHash } from 'node:crypto';
import { computeTotals, lineTotals, type Totals } from '#domain/money';
import type { Quote, SellerSnapshot } from '#schemas/quotes';
import {
  fill,
  formatDate,
  formatMoney,
  formatPercent,
  formatQuantity,
  intlLocale,
  type Labels,
  type Locale,
} from './i18n.ts';
import type { Logo, PdfLayout, Template, TemplateColors, TemplateLogoSettings } from './templates.ts';

/**
 * The view model: everything the HTML page, the PDF and the emails print, already formatted for the
 * quote's locale. Both renderers read this one object, so the page and the PDF cannot disagree on a
 * figure. It is plain data (JSON-serialisable); absent values are `null` so that templates compiled
 * in strict mode can tell "empty" from "misspelt".
 */
export interface QuoteView {
  template: { id: string; root: string };
  quoteId: string;
  number: string;
  version: number;
  locale: Locale;
  /** BCP 47 tag for `lang` attributes. */
  lang: string;
  currency: string;
  /** IANA zone of the seller, in which the dates of timestamps are printed. */
  timeZone: string;
  /** "Quote Q-2026-0001" / "Devis Q-2026-0001". */
  title: string;
  labels: Labels;
  seller: PartyView;
  client: PartyView;
  recipient: { name: string; email: string };
  /** Number, version, date, validity: the block next to the title. */
  facts: LabelledValue[];
  issueDate: string;
  validUntil: string;
  /** The validity as an ISO calendar date, for renderers that print it in another language. */
  validUntilDate: string;
  intro: Paragraph[];
  terms: Paragraph[];
  hasLineDiscounts: boolean;
  lines: LineView[];
  /** Subtotal, discount, net, one row per tax rate, total: in print order. */
  totals: TotalRow[];
  taxes: TaxView[];
  /** The grand total, formatted (email summaries). */
  total: string;
  /** "This quote is valid until 31 December 2026." */
  validity: string;
  /** "Amounts in EUR". */
  amountsIn: string;
  /** The seller line printed at the foot of every page. */
  footer: string;
  theme: ThemeView;
  document: DocumentMeta;
  /** The figures themselves, in minor units, for callers that need numbers rather than text. */
  amounts: Totals;
}

/** A paragraph as its lines (the author's line breaks are kept). */
export type Paragraph = string[];

export interface LabelledValue {
  label: string;
  value: string;
}

export interface PartyView {
  /** The company when there is one, otherwise the person. */
  name: string;
  /** The person, when `name` is their company. */
  attention: string | null;
  address: string[];
  details: LabelledValue[];
}

export interface LineView {
  position: string;
  name: string;
  description: string[];
  quantity: string;
  unitPrice: string;
  /** `null` when the line has no discount. */
  discount: string | null;
  taxRate: string;
  net: string;
}

export type TotalKind = 'subtotal' | 'discount' | 'net' | 'tax' | 'total';

export interface TotalRow {
  kind: TotalKind;
  label: string;
  amount: string;
}

export interface TaxView {
  rate: string;
  base: string;
  amount: string;
}

export interface ThemeView {
  colors: TemplateColors;
  header: PdfLayout['header'];
  table: PdfLayout['table'];
  size: PdfLayout['size'];
  margins: PdfLayout['margins'];
  fontSize: number;
  fonts: PdfLayout['fonts'];
  logo: Logo & TemplateLogoSettings;
}

/** PDF metadata: fixed from the quote so that the same quote always gives the same bytes. */
export interface DocumentMeta {
  title: string;
  author: string;
  subject: string;
  /** ISO timestamps. */
  creationDate: string;
  modDate: string;
  /** 32 hex digits: the PDF trailer's file identifier. */
  fileId: string;
}

/** The stored totals do not follow from the stored lines: printing them would issue a wrong document. */
export class QuoteTotalsMismatchError extends Error {}

/** Derived from the quote id and version only, so a re-render has the same trailer ID. */
export function documentFileId(quoteId: string, version: number): string {
  return createHash('sha256').update(`closer/quote/${quoteId}/v${version}`).digest('hex').slice(0, 32);
}

/** Control characters (but line feeds) print as boxes or break layouts; tabs become spaces. */
function clean(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/(?!\n)\p{Cc}/gu, '');
}

/** Paragraphs are separated by blank lines; single line breaks are kept inside a paragraph. */
export function toParagraphs(text: string | undefined): Paragraph[] {
  if (text === undefined) return [];
  return clean(text)
    .split(/\n[ \u00a0]*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trimEnd())
        .filter((line) => line.trim() !== ''),
    )
    .filter((lines) => lines.length > 0);
}

function toLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  return clean(text)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function sameTotals(a: Totals, b: Totals): boolean {
  return (
    a.gross === b.gross &&
    a.lineDiscounts === b.lineDiscounts &&
    a.subtotal === b.subtotal &&
    a.discount === b.discount &&
    a.net === b.net &&
    a.total === b.total &&
    a.taxes.length === b.taxes.length &&
    a.taxes.every((t, i) => {
      const other = b.taxes[i];
      return (
        other !== undefined && t.rate === other.rate && t.base === other.base && t.amount === other.amount
      );
    })
  );
}

function detail(label: string, value: string | undefined): LabelledValue[] {
  return value === undefined || value.trim() === '' ? [] : [{ label, value: clean(value).trim() }];
}

function sellerParty(seller: SellerSnapshot, labels: Labels): PartyView {
  return {
    name: clean(seller.name),
    attention: null,
    address: toLines(seller.address),
    details: [
      ...detail(labels.vatNumber, seller.vatNumber),
      ...detail(labels.registration, seller.registration),
      ...detail(labels.email, seller.email),
      ...detail(labels.phone, seller.phone),
      ...detail(labels.website, seller.website),
    ],
  };
}

function clientParty(client: Quote['client'], labels: Labels): PartyView {
  const company = client.companyName?.trim();
  return {
    name: clean(company || client.name),
    attention: company ? clean(client.name) : null,
    address: toLines(client.address),
    details: [...detail(labels.vatNumber, client.vatNumber), ...detail(labels.email, client.email)],
  };
}

/**
 * Builds the view of a quote with a template. Pure: the quote's own snapshot wins over the
 * template's current seller (a sent quote never changes); the issue date is the sending date once
 * the quote is sent, its creation date before.
 *
 * Throws `QuoteTotalsMismatchError` when `quote.totals` is not what `computeTotals` gives for its
 * lines: the figures printed are the stored ones, and they must add up.
 */
export function quoteView(quote: Quote, template: Template): QuoteView {
  const { locale, currency } = quote;
  const labels = template.labels[locale];
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const percent = (value: number) => formatPercent(value, locale);

  const computed = computeTotals(quote.lines, quote.discountPercent);
  if (!sameTotals(computed, quote.totals)) {
    throw new QuoteTotalsMismatchError(
      `quote ${quote.id} v${quote.version}: stored totals do not match its lines (stored total ${quote.totals.total}, computed ${computed.total})`,
    );
  }
  const totals = quote.totals;

  const { logo: _logo, ...currentSeller } = template.seller;
  const seller = quote.seller ?? currentSeller;
  const timeZone = seller.timeZone ?? 'UTC';
  const issuedAt = quote.sentAt ?? quote.createdAt;
  const issueDate = formatDate(issuedAt, locale, timeZone);
  const validUntil = formatDate(quote.validUntil, locale);
  const title = `${labels.quote} ${quote.number}`;

  const lines: LineView[] = quote.lines.map((line, i) => {
    const t = lineTotals(line);
    return {
      position: String(i + 1),
      name: clean(line.name),
      description: toParagraphs(line.description).flatMap((p, j) => (j === 0 ? p : ['', ...p])),
      quantity: formatQuantity(line.quantity, locale),
      unitPrice: money(line.unitPrice),
      discount: line.discountPercent > 0 ? percent(line.discountPercent) : null,
      taxRate: percent(line.taxRate),
      net: money(t.net),
    };
  });

  const rows: TotalRow[] = [];
  if (totals.discount > 0) {
    rows.push({ kind: 'subtotal', label: labels.subtotal, amount: money(totals.subtotal) });
    rows.push({
      kind: 'discount',
      label: fill(labels.discount, { percent: percent(quote.discountPercent) }),
      amount: money(-totals.discount),
    });
  }
  rows.push({ kind: 'net', label: labels.net, amount: money(totals.net) });
  for (const tax of totals.taxes) {
    rows.push({
      kind: 'tax',
      label: fill(labels.taxLine, { rate: percent(tax.rate) }),
      amount: money(tax.amount),
    });
  }
  rows.push({ kind: 'total', label: labels.total, amount: money(totals.total) });

  const sellerView = sellerParty(seller, labels);
  const vat = sellerView.details.find((d) => d.label === labels.vatNumber);

  return {
    template: { id: template.id, root: template.root },
    quoteId: quote.id,
    number: quote.number,
    version: quote.version,
    locale,
    lang: intlLocale(locale),
    currency,
    timeZone,
    title,
    labels,
    seller: sellerView,
    client: clientParty(quote.client, labels),
    recipient: { name: clean(quote.recipient.name), email: quote.recipient.email },
    facts: [
      { label: labels.quoteNumber, value: quote.number },
      { label: labels.version, value: String(quote.version) },
      { label: labels.issueDate, value: issueDate },
      { label: labels.validUntil, value: validUntil },
    ],
    issueDate,
    validUntil,
    validUntilDate: quote.validUntil,
    intro: toParagraphs(quote.intro),
    terms: toParagraphs(quote.terms),
    hasLineDiscounts: quote.lines.some((line) => line.discountPercent > 0),
    lines,
    totals: rows,
    taxes: totals.taxes.map((tax) => ({
      rate: percent(tax.rate),
      base: money(tax.base),
      amount: money(tax.amount),
    })),
    total: money(totals.total),
    validity: fill(labels.validity, { date: validUntil }),
    amountsIn: fill(labels.amountsIn, { currency }),
    footer: [sellerView.name, vat ? `${vat.label} ${vat.value}` : ''].filter(Boolean).join(' · '),
    theme: {
      colors: template.colors,
      header: template.pdf.header,
      table: template.pdf.table,
      size: template.pdf.size,
      margins: template.pdf.margins,
      fontSize: template.pdf.fontSize,
      fonts: template.pdf.fonts,
      logo: { ...template.seller.logo, ...template.logo },
    },
    document: {
      title: `${title} (${labels.version} ${quote.version})`,
      author: sellerView.name,
      subject: `${title} · ${clientParty(quote.client, labels).name}`,
      creationDate: quote.createdAt,
      modDate: issuedAt,
      fileId: documentFileId(quote.id, quote.version),
    },
    amounts: totals,
  };
}
