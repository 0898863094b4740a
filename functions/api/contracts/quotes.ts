import * as z from 'zod/mini';
import type { Contract } from '#http/operation';
import { IdParams } from '#schemas/common';
import { RemindInput, RemindResult } from '#schemas/follow-through';
import {
  QuoteCreateInput,
  QuoteDraftPatch,
  QuoteResendInput,
  QuoteSendResult,
} from '#schemas/quote-requests';
import { Quote, TemplateSummary } from '#schemas/quotes';

/** The contracts of the quotes routes of `api`: loaded on the first request to one of them. */
export const quotesContracts = {
  listDealQuotes: {
    summary: "A deal's quotes, newest first",
    tags: ['quotes'],
    params: IdParams,
    response: z.object({ items: z.array(Quote) }),
    errors: [404],
  },
  createQuote: {
    summary: "Create a draft quote: a frozen snapshot of the deal's lines, totals, client and currency",
    tags: ['quotes'],
    params: IdParams,
    body: QuoteCreateInput,
    status: 201,
    response: Quote,
    errors: [404],
  },
  getQuote: { summary: 'Get a quote', tags: ['quotes'], params: IdParams, response: Quote, errors: [404] },
  reviseQuote: {
    summary: 'Supersede a quote (changes requested, or sent and to be replaced) with a new draft version',
    tags: ['quotes'],
    params: IdParams,
    status: 201,
    response: Quote,
    errors: [404, 409],
  },
  withdrawQuote: {
    summary: 'Withdraw a sent quote',
    tags: ['quotes'],
    params: IdParams,
    response: Quote,
    errors: [404, 409],
  },
  resendQuote: {
    summary: 'Email a sent quote again: the same link, to its recipient or to another address',
    description:
      'For a quote waiting for the customer (sent or viewed): after email.failed, or when the customer lost the email. Writes quote.resent; the email leaves through the outbox and is retried for 24 hours like any other. The quote does not change.',
    tags: ['quotes'],
    params: IdParams,
    body: QuoteResendInput,
    response: QuoteSendResult,
    errors: [404, 409],
  },
  listTemplates: {
    summary: 'The quote templates',
    tags: ['quotes'],
    response: z.object({ items: z.array(TemplateSummary) }),
  },
  updateQuoteDraft: {
    summary: 'Edit a draft: template, locale, validity, intro, terms, recipient (the quote builder)',
    description:
      'Only a draft changes (409 once sent). The lines and totals stay the snapshot taken when the draft was created: to quote new lines, revise or create a new quote.',
    tags: ['quotes'],
    params: IdParams,
    body: QuoteDraftPatch,
    response: Quote,
    errors: [404, 409],
  },
  remindQuote: {
    summary: 'Remind the customer now, with an optional message (at most once an hour per quote)',
    description:
      "For a quote waiting for the customer (sent or viewed): emails the same link again in the quote's language, with the rep's message, and writes quote.reminder_sent (the email leaves through the outbox, retried like any other). A second reminder within the hour answers 429 with details.retryAfterSeconds. It does not count against the automatic reminders' maximum.",
    tags: ['quotes'],
    params: IdParams,
    body: RemindInput,
    response: RemindResult,
    errors: [404, 409, 429],
  },
} as const satisfies Record<string, Contract>;
