import { getStringFromEnv } from '#config/env';
import type { User } from '#contracts/actor';
import { NotFoundError, ValidationError } from '#domain/errors';
import { newEvent, userActor } from '#domain/events';
import { draftQuote, formatQuoteNumber, QuoteStateError } from '#domain/quotes';
import { DEFAULT_TEMPLATE_ID, getTemplate, type Template } from '#render/templates';
import { quoteView } from '#render/view';
import type { Company, Contact } from '#schemas/catalog';
import type { Deal } from '#schemas/deals';
import type { QuoteCreateInput, QuoteDraftPatch } from '#schemas/quote-requests';
import type { Quote, Recipient } from '#schemas/quotes';
import { getQuote, listQuotes, nextCounter, saveQuote } from '#store/quotes';
import { getRecord } from '#store/records';
import { getUserProfile } from '#store/users';
import { systemClock } from './clock.ts';
import { getDealFor } from './deals.ts';
import { getPipeline } from './pipelines.ts';
import { transitionQuote } from './transitions.ts';

/** Rep-side quote use cases: create, read, render, send, revise, withdraw. */

export function publicBaseUrl(): string {
  return getStringFromEnv('PUBLIC_BASE_URL').replace(/\/+$/, '');
}

export function quoteUrl(token: string): string {
  return `${publicBaseUrl()}/q/${token}`;
}

/** The quote, if this user may act on its deal (owner, observer, manager); 404 otherwise. */
export async function getQuoteFor(id: string, user: User): Promise<{ quote: Quote; deal: Deal }> {
  const quote = await getQuote(id);
  if (!quote) throw new NotFoundError(`no quote ${id}`);
  try {
    return { quote, deal: await getDealFor(quote.dealId, user) };
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`no quote ${id}`);
    throw error;
  }
}

async function optionalRecord<T>(
  collection: 'Contact' | 'Company',
  id: string | undefined,
): Promise<T | undefined> {
  if (!id) return undefined;
  try {
    return await getRecord<T>(collection, id);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

function templateFor(id: string | undefined, pipelineTemplate: string | undefined): Template {
  return getTemplate(id ?? pipelineTemplate ?? DEFAULT_TEMPLATE_ID);
}

export async function createQuote(dealId: string, input: QuoteCreateInput, user: User): Promise<Quote> {
  const deal = await getDealFor(dealId, user);
  const pipeline = await getPipeline(deal.pipelineId);
  const [contact, company] = await Promise.all([
    optionalRecord<Contact>('Contact', deal.contactId),
    optionalRecord<Company>('Company', deal.companyId),
  ]);
  const recipient: Recipient | undefined =
    input.recipient ?? (contact ? { name: contact.name, email: contact.email } : undefined);
  if (!recipient) {
    throw new ValidationError('the quote needs a recipient', [
      { path: 'body.recipient', message: 'give a recipient or attach a contact to the deal' },
    ]);
  }
  const template = templateFor(input.templateId, pipeline.quoteTemplateId);
  const requested = input.locale ?? contact?.locale ?? getStringFromEnv('DEFAULT_LOCALE', 'en');
  const locale = (template.locales as string[]).includes(requested)
    ? (requested as Quote['locale'])
    : (template.locales[0] ?? 'en');
  const clock = systemClock();
  const year = Number(clock.now.slice(0, 4));
  const number = formatQuoteNumber(year, await nextCounter(`quote-${year}`));
  const quote = draftQuote(
    deal,
    {
      templateId: template.id,
      locale,
      ...(input.validUntil ? { validUntil: input.validUntil } : {}),
      intro: input.intro ?? template.defaultIntro[locale],
      terms: input.terms ?? template.defaultTerms[locale],
      recipient,
      client: {
        name: contact?.name ?? recipient.name,
        email: contact?.email ?? recipient.email,
        ...(company ? { companyName: company.name } : {}),
        ...(company?.address ? { address: company.address } : {}),
        ...(company?.vatNumber ? { vatNumber: company.vatNumber } : {}),
      },
    },
    { id: clock.newId(), number, version: 1, now: clock.now },
  );
  const event = newEvent(deal.id, 'quote.created', quoteCreatedData(quote), userActor(user), clock);
  // The stored quote: saving links its first event onto the hash chain (chainHead).
  return saveQuote({ before: undefined, after: quote, events: [event] });
}

/** What `quote.created` records of a new quote (or a new version). */
function quoteCreatedData(quote: Quote) {
  return {
    quoteId: quote.id,
    number: quote.number,
    version: quote.version,
    total: quote.totals.total,
    currency: quote.currency,
  };
}

export async function listDealQuotes(dealId: string, user: User): Promise<Quote[]> {
  await getDealFor(dealId, user);
  return listQuotes(dealId);
}

/**
 * The rep who answers for a quote: the deal's owner as last seen in a token, else the rep who sent
 * it. Undefined when neither is known (a quote never sent, of an owner who never signed in).
 */
export async function repOf(
  quote: Pick<Quote, 'sentBy'>,
  deal: Pick<Deal, 'ownerId'> | undefined,
): Promise<{ name: string; email: string } | undefined> {
  const owner = deal ? await getUserProfile(deal.ownerId) : undefined;
  return owner ?? (quote.sentBy?.email ? quote.sentBy : undefined);
}

/** The quote as the customer sees it: the seller frozen at sending, or the template's current one on drafts. */
export function viewOf(quote: Quote) {
  return quoteView(quote, getTemplate(quote.templateId));
}

/**
 * Replaces a quote the customer asked changes on (or a sent one the rep wants to replace): the old
 * version becomes `superseded` and a new draft, same number, version + 1, copies the deal's lines.
 */
export function reviseQuote(id: string, user: User): Promise<Quote> {
  return transitionQuote({
    action: 'revise',
    actor: userActor(user),
    read: () => getQuoteFor(id, user),
    build: ({ quote, deal }, clock) => {
      const next = draftQuote(
        deal,
        {
          templateId: quote.templateId,
          locale: quote.locale,
          ...(quote.intro ? { intro: quote.intro } : {}),
          ...(quote.terms ? { terms: quote.terms } : {}),
          recipient: quote.recipient,
          client: quote.client,
        },
        { id: clock.newId(), number: quote.number, version: quote.version + 1, now: clock.now },
      );
      return {
        quote: { ...quote, status: 'superseded', updatedAt: clock.now },
        created: next,
        // The event is the new version's `quote.created`.
        data: { ...quoteCreatedData(next), supersedes: quote.id },
        result: next,
      };
    },
  });
}

export function withdrawQuote(id: string, user: User): Promise<Quote> {
  return transitionQuote({
    action: 'withdraw',
    actor: userActor(user),
    read: () => getQuoteFor(id, user),
    build: ({ quote }, clock) => {
      const withdrawn: Quote = { ...quote, status: 'withdrawn', updatedAt: clock.now };
      return { quote: withdrawn, result: withdrawn };
    },
  });
}

/**
 * The quote builder's edits of a draft: template, locale, validity, intro, terms, recipient. The
 * lines and totals stay the snapshot taken at creation. Only a draft can change (409 otherwise); the
 * write is conditional on it still being one, so a draft sent meanwhile is never edited.
 */
export async function updateQuoteDraft(id: string, patch: QuoteDraftPatch, user: User): Promise<Quote> {
  const { quote } = await getQuoteFor(id, user);
  if (quote.status !== 'draft') throw new QuoteStateError(quote.status, 'edited');
  const template = getTemplate(patch.templateId ?? quote.templateId);
  const locale = patch.locale ?? quote.locale;
  if (!(template.locales as string[]).includes(locale)) {
    throw new ValidationError(`the template ${template.id} has no ${locale} version`, [
      { path: 'body.locale', message: `one of ${template.locales.join(', ')}` },
    ]);
  }
  const clock = systemClock();
  const today = clock.now.slice(0, 10);
  if (patch.validUntil !== undefined && patch.validUntil < today) {
    throw new ValidationError('validUntil is in the past', [
      { path: 'body.validUntil', message: `must be ${today} or later` },
    ]);
  }
  const { intro, terms, ...rest } = quote;
  const nextIntro = patch.intro ?? intro;
  const nextTerms = patch.terms ?? terms;
  const after: Quote = {
    ...rest,
    templateId: template.id,
    locale,
    ...(patch.validUntil ? { validUntil: patch.validUntil } : {}),
    ...(patch.recipient ? { recipient: patch.recipient } : {}),
    ...(nextIntro ? { intro: nextIntro } : {}),
    ...(nextTerms ? { terms: nextTerms } : {}),
    updatedAt: clock.now,
  };
  await saveQuote({ before: quote, after, events: [], action: 'edited' });
  return after;
}
