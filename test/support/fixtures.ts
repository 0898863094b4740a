import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { expect } from 'vitest';
import type { User } from '#contracts/actor';
import type { Quote } from '#schemas/quotes';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { getQuote } from '#store/quotes';
import { call, users } from './api.ts';
import { eventually } from './eventually.ts';

/** A rep of our own per test, so list assertions do not see other tests' data. */
export function rep(name = 'rep'): User {
  const id = `${name}-${ulid().toLowerCase()}`;
  return { id, email: `${id}@example.com`, name, manager: false };
}

/** A deal with a contact, a company and two lines at two VAT rates, ready to quote. */
export async function quotableDeal(
  owner: User,
  options: { contactName?: string; locale?: 'en' | 'fr'; pipelineId?: string } = {},
) {
  const company = (
    await call('POST', '/companies', {
      user: owner,
      body: { name: 'Acme SAS', address: '1 rue de la Paix\n75002 Paris', vatNumber: 'FR12345678901' },
    })
  ).body;
  const contact = (
    await call('POST', '/contacts', {
      user: owner,
      body: {
        name: options.contactName ?? 'Jeanne Dupont',
        email: `jeanne-${ulid().toLowerCase()}@acme.example`,
        companyId: company.id,
        ...(options.locale ? { locale: options.locale } : {}),
      },
    })
  ).body;
  const product = (
    await call('POST', '/products', {
      user: users.maya,
      body: { name: 'Annual licence', unitPrice: 480_000, currency: 'EUR', taxRate: 20 },
    })
  ).body;
  const deal = await call('POST', '/deals', {
    user: owner,
    body: {
      name: 'Acme rollout',
      ...(options.pipelineId ? { pipelineId: options.pipelineId } : {}),
      contactId: contact.id,
      companyId: company.id,
      lines: [
        { productId: product.id, quantity: 2, discountPercent: 10 },
        {
          name: 'Training manual',
          description: 'Printed, 120 pages',
          quantity: 5,
          unitPrice: 4_500,
          taxRate: 5.5,
        },
      ],
    },
  });
  expect(deal.status).toBe(201);
  return { deal: deal.body, contact, company, product };
}

/** A quote sent by link: the deal, the quote and the customer's token. */
export async function sentQuote(
  owner: User,
  options: {
    channel?: 'email' | 'link';
    contactName?: string;
    locale?: 'en' | 'fr';
    pipelineId?: string;
    /** More fields of the send (reminders, requireCode). */
    send?: Record<string, unknown>;
  } = {},
) {
  const { deal, contact } = await quotableDeal(owner, options);
  const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
  const sent = await call('POST', `/quotes/${quote.id}/send`, {
    user: owner,
    body: { channel: options.channel ?? 'link', ...options.send },
  });
  expect(sent.status).toBe(200);
  const token = String(sent.body.url).split('/q/')[1] ?? '';
  return { deal, contact, quote, token, url: String(sent.body.url) };
}

/** Moves a quote's validity date to yesterday (and its place in the expiry index with it). */
export async function backdateQuote(dealId: string, quoteId: string) {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await db.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.quote(dealId, quoteId),
      UpdateExpression: 'SET validUntil = :d, GSI6SK = :sk',
      ExpressionAttributeValues: { ':d': yesterday, ':sk': `${yesterday}#${quoteId}` },
    }),
  );
}

/**
 * The quote once its sealed signed copy is recorded: `notify` builds it when it reads quote.signed
 * from the stream, a moment after the signing request answered.
 */
export async function sealedQuote(quoteId: string): Promise<Quote> {
  return eventually(async () => {
    const quote = await getQuote(quoteId);
    if (!quote?.signedCopyHash) throw new Error(`the signed copy of quote ${quoteId} is not sealed yet`);
    return quote;
  });
}
