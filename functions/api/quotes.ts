import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { listTemplates as templates } from '#render/templates';
import {
  createQuote as create,
  getQuoteFor,
  listDealQuotes as list,
  reviseQuote as revise,
  updateQuoteDraft as updateDraft,
  withdrawQuote as withdraw,
} from '#services/quotes';
import { remindNow } from '#services/reminders';
import { resendQuote as resend } from '#services/resend';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/quotes.ts').then((m) => m.quotesContracts);

export const listDealQuotes = defineOperation(contracts, 'listDealQuotes', async ({ params, user }) =>
  json(200, { items: await list(params.id, user) }),
);

export const createQuote = defineOperation(contracts, 'createQuote', async ({ params, body, user }) =>
  json(201, await create(params.id, body, user)),
);

export const getQuote = defineOperation(contracts, 'getQuote', async ({ params, user }) =>
  json(200, (await getQuoteFor(params.id, user)).quote),
);

export const reviseQuote = defineOperation(contracts, 'reviseQuote', async ({ params, user }) =>
  json(201, await revise(params.id, user)),
);

export const withdrawQuote = defineOperation(contracts, 'withdrawQuote', async ({ params, user }) =>
  json(200, await withdraw(params.id, user)),
);

export const resendQuote = defineOperation(contracts, 'resendQuote', async ({ params, body, user }) =>
  json(200, await resend(params.id, body, user)),
);

export const listTemplates = defineOperation(contracts, 'listTemplates', async () =>
  json(200, { items: templates() }),
);

export const updateQuoteDraft = defineOperation(
  contracts,
  'updateQuoteDraft',
  async ({ params, body, user }) => json(200, await updateDraft(params.id, body, user)),
);

export const remindQuote = defineOperation(contracts, 'remindQuote', async ({ params, body, user }) =>
  json(200, await remindNow(params.id, body, user)),
);
