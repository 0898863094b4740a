/**
 * The lines editor's draft: what the rep types, as text, turned into the API's lines and into the
 * live totals by the server's own money module (so the figures shown are the figures stored).
 */
import { computeTotals, lineTotals, type Totals } from '#domain/money';
import type { Line, Product } from '../../lib/api-client.ts';
import { moneyInput, parseDecimal, parseMoney } from '../../lib/format.ts';

export interface DraftLine {
  key: string;
  id?: string;
  productId?: string;
  name: string;
  description?: string;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  taxRate: string;
}

let counter = 0;
const newKey = () => `l${++counter}`;

export function draftOf(line: Line, currency: string): DraftLine {
  return {
    key: line.id,
    id: line.id,
    ...(line.productId ? { productId: line.productId } : {}),
    name: line.name,
    ...(line.description ? { description: line.description } : {}),
    quantity: String(line.quantity),
    unitPrice: moneyInput(line.unitPrice, currency),
    discountPercent: String(line.discountPercent),
    taxRate: String(line.taxRate),
  };
}

export function productLine(product: Product, currency: string): DraftLine {
  return {
    key: newKey(),
    productId: product.id,
    name: product.name,
    ...(product.description ? { description: product.description } : {}),
    quantity: '1',
    unitPrice: moneyInput(product.unitPrice, currency),
    discountPercent: '0',
    taxRate: String(product.taxRate),
  };
}

export function freeLine(): DraftLine {
  return { key: newKey(), name: '', quantity: '1', unitPrice: '', discountPercent: '0', taxRate: '20' };
}

export interface ParsedLine {
  quantity: number;
  unitPrice: number;
  discountPercent: number;
  taxRate: number;
}

/** The line's numbers, or undefined while one of them is not a number yet. */
export function parseLine(line: DraftLine, currency: string): ParsedLine | undefined {
  const quantity = parseDecimal(line.quantity);
  const unitPrice = parseMoney(line.unitPrice, currency);
  const discountPercent = parseDecimal(line.discountPercent || '0');
  const taxRate = parseDecimal(line.taxRate || '0');
  if (
    quantity === undefined ||
    unitPrice === undefined ||
    discountPercent === undefined ||
    taxRate === undefined
  ) {
    return undefined;
  }
  return { quantity, unitPrice, discountPercent, taxRate };
}

export function lineNet(line: DraftLine, currency: string): number | undefined {
  const parsed = parseLine(line, currency);
  return parsed ? lineTotals(parsed).net : undefined;
}

/** Live totals, computed as the server computes them; undefined while a line is incomplete. */
export function draftTotals(lines: DraftLine[], discount: string, currency: string): Totals | undefined {
  const parsed = lines.map((l) => parseLine(l, currency));
  const dealDiscount = parseDecimal(discount || '0');
  if (parsed.some((p) => p === undefined) || dealDiscount === undefined) return undefined;
  return computeTotals(parsed as ParsedLine[], dealDiscount);
}

/** The body of `PUT /deals/{id}/lines`. */
export function linesBody(lines: DraftLine[], currency: string) {
  return lines.map((line) => {
    const parsed = parseLine(line, currency);
    if (!parsed) throw new Error(`line ${line.name} is incomplete`);
    return {
      ...(line.id ? { id: line.id } : {}),
      ...(line.productId ? { productId: line.productId } : {}),
      name: line.name,
      ...(line.description ? { description: line.description } : {}),
      ...parsed,
    };
  });
}
