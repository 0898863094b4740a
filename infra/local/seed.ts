import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo data, created through the HTTP API with a manager's token so that seeding exercises the
 * real handlers, validation included, exactly as a client would.
 */
export const demoProducts = [
  {
    name: 'Onboarding workshop',
    description: 'One day on site: setup, configuration and training of your team',
    unitPrice: 150_000,
    currency: 'EUR',
    taxRate: 20,
    sku: 'SRV-ONB',
  },
  {
    name: 'Annual licence',
    description: 'Closer for up to 25 users, one year',
    unitPrice: 480_000,
    currency: 'EUR',
    taxRate: 20,
    sku: 'LIC-Y25',
  },
  {
    name: 'Support hours',
    description: 'Remote support, per hour',
    unitPrice: 9_000,
    currency: 'EUR',
    taxRate: 20,
    sku: 'SRV-SUP',
  },
  {
    name: 'Training manual',
    description: 'Printed handbook',
    unitPrice: 4_500,
    currency: 'EUR',
    taxRate: 5.5,
    sku: 'DOC-MAN',
  },
] as const;

export const demoCompany = {
  name: 'Acme SAS',
  email: 'contact@acme.example',
  address: '12 rue de la Paix\n75002 Paris\nFrance',
  vatNumber: 'FR40123456824',
  source: 'demo',
};

export const demoContact = {
  name: 'Jeanne Dupont',
  email: 'jeanne@acme.example',
  phone: '+33 1 23 45 67 89',
  locale: 'fr',
  source: 'demo',
};

export const DEMO_DEAL_NAME = 'Acme SAS: licence and onboarding';
export const DEMO_DEAL_OWNER = 'alice';

/** Lines of the demo deal: product name → quantity. */
const demoLines: [string, number][] = [
  ['Annual licence', 1],
  ['Onboarding workshop', 2],
  ['Support hours', 10],
];

const MARKER = 'seeded.json';

export interface SeedResult {
  /** False when the demo was already there (seeded on an earlier run). */
  created: boolean;
  dealId: string;
}

export class SeedError extends Error {}

interface Page<T> {
  items: T[];
  nextCursor?: string;
}

interface WithId {
  id: string;
}

function api(baseUrl: string, token: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = text;
    }
    return { status: response.status, data: data as T };
  }

  async function expect<T>(method: string, path: string, status: number, body?: unknown): Promise<T> {
    const answer = await call<T>(method, path, body);
    if (answer.status !== status) {
      const error = (answer.data as { error?: { message?: string; details?: unknown } } | undefined)?.error;
      const details = error?.details ? ` ${JSON.stringify(error.details)}` : '';
      throw new SeedError(
        `${method} ${path} answered ${answer.status}: ${error?.message ?? 'no error message'}${details}`,
      );
    }
    return answer.data;
  }

  /** Every item of a collection: the demo is small, so a few pages at most. */
  async function all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
      const separator = path.includes('?') ? '&' : '?';
      const page = await expect<Page<T>>('GET', `${path}${separator}${query}`, 200);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  return { call, expect, all };
}

function readMarker(dataDir: string): string | undefined {
  try {
    const { dealId } = JSON.parse(readFileSync(join(dataDir, MARKER), 'utf8')) as { dealId?: unknown };
    return typeof dealId === 'string' ? dealId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Seeds the demo once. The marker file remembers the deal, and the API confirms it still exists,
 * so deleting the DynamoDB data (but not the marker) seeds again. Each entity is looked up by name
 * before it is created, so a run interrupted halfway completes the demo without duplicates.
 */
export async function seedDemo(options: {
  baseUrl: string;
  token: string;
  dataDir: string;
}): Promise<SeedResult> {
  const client = api(options.baseUrl, options.token);
  const known = readMarker(options.dataDir);
  if (known) {
    const { status } = await client.call('GET', `/deals/${known}`);
    if (status === 200) return { created: false, dealId: known };
    if (status !== 404) throw new SeedError(`GET /deals/${known} answered ${status}`);
  }

  // Reading the pipelines first creates the default pipeline the deal will land in.
  await client.expect('GET', '/pipelines', 200);

  const products = await client.all<WithId & { name: string }>('/products');
  const productIds = new Map(products.map((p) => [p.name, p.id]));
  for (const product of demoProducts) {
    if (productIds.has(product.name)) continue;
    const created = await client.expect<WithId>('POST', '/products', 201, product);
    productIds.set(product.name, created.id);
  }

  const companies = await client.all<WithId & { name: string }>('/companies');
  const companyId =
    companies.find((c) => c.name === demoCompany.name)?.id ??
    (await client.expect<WithId>('POST', '/companies', 201, demoCompany)).id;

  const contacts = await client.all<WithId & { email: string }>('/contacts');
  const contactId =
    contacts.find((c) => c.email === demoContact.email)?.id ??
    (await client.expect<WithId>('POST', '/contacts', 201, { ...demoContact, companyId })).id;

  const deals = await client.all<WithId & { name: string }>(`/deals?ownerId=${DEMO_DEAL_OWNER}`);
  let dealId = deals.find((d) => d.name === DEMO_DEAL_NAME)?.id;
  const created = dealId === undefined;
  if (dealId === undefined) {
    const lines = demoLines.map(([name, quantity]) => {
      const productId = productIds.get(name);
      if (!productId) throw new SeedError(`demo product ${name} is missing`);
      return { productId, quantity };
    });
    const deal = await client.expect<WithId>('POST', '/deals', 201, {
      name: DEMO_DEAL_NAME,
      ownerId: DEMO_DEAL_OWNER,
      contactId,
      companyId,
      currency: 'EUR',
      nextStep: 'Send the quote',
      lines,
    });
    dealId = deal.id;
  }
  writeFileSync(
    join(options.dataDir, MARKER),
    `${JSON.stringify({ dealId, seededAt: new Date().toISOString() })}\n`,
  );
  return { created, dealId };
}
