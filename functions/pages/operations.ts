import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { defineOperation } from '#http/operation';
import { html, json } from '#http/response';
import { renderQuotePage } from '#render/page';
import type { ActionName } from '#render/page-model';
import type { Quote } from '#schemas/quotes';
import { requestSignerCode } from '#services/codes';
import { declineQuote, requestChanges, signQuote } from '#services/customer';
import { recordView, resolveToken } from '#services/links';
import { recordOpen } from '#services/views';
import { pageModel, pageStatus } from './model.ts';
import {
  assertSameOrigin,
  assertSameOriginStrict,
  contentSecurityPolicy,
  isFormPost,
  newNonce,
  visitorOf,
} from './security.ts';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts.ts').then((m) => m.pageContracts);

/** The page itself: HTML with a fresh nonce in its CSP. */
export async function pageResponse(
  token: string,
  found: { quote: Quote; deal: Parameters<typeof pageModel>[2] },
  extra: Parameters<typeof pageModel>[4] = {},
  status?: number,
) {
  const nonce = newNonce();
  const model = await pageModel(token, found.quote, found.deal, nonce, extra);
  return html(status ?? pageStatus(model), renderQuotePage(model), {
    'content-security-policy': contentSecurityPolicy(nonce),
  });
}

function actionResult(quote: Quote, token: string) {
  return {
    status: quote.status,
    number: quote.number,
    version: quote.version,
    ...(quote.signedAt ? { signedAt: quote.signedAt } : {}),
    ...(quote.documentHash ? { documentHash: quote.documentHash } : {}),
    pdfUrl: `/q/${token}/pdf`,
  };
}

/** A customer action: JSON in, JSON out; a form post in, the page out (with a confirmation). */
async function answer(
  event: APIGatewayProxyEventV2,
  token: string,
  action: ActionName,
  run: () => Promise<{ quote: Quote }>,
) {
  assertSameOrigin(event);
  const { quote } = await run();
  if (!isFormPost(event)) return json(200, actionResult(quote, token));
  const found = await resolveToken(token);
  return pageResponse(
    token,
    found,
    { outcome: { action, ...(quote.updatedAt ? { at: quote.updatedAt } : {}) } },
    200,
  );
}

export const pageOperations = {
  getQuotePage: defineOperation(contracts, 'getQuotePage', async ({ params, event }) => {
    const found = await resolveToken(params.token);
    return pageResponse(params.token, await recordOpen(params.token, found, visitorOf(event), 'GET'));
  }),
  headQuotePage: defineOperation(contracts, 'headQuotePage', async ({ params, event }) => {
    const found = await resolveToken(params.token);
    await recordOpen(params.token, found, visitorOf(event), 'HEAD');
    const page = await pageResponse(params.token, found);
    return { ...page, body: '' };
  }),
  reportQuoteView: defineOperation(contracts, 'reportQuoteView', async ({ params, event }) => {
    assertSameOriginStrict(event);
    await recordView(params.token, visitorOf(event));
    return { statusCode: 204, headers: {}, body: '' };
  }),
  requestSignerCode: defineOperation(contracts, 'requestSignerCode', async ({ params, event }) => {
    assertSameOrigin(event);
    const found = await resolveToken(params.token);
    const sent = await requestSignerCode(found.quote);
    if (!isFormPost(event)) return json(200, sent);
    return pageResponse(params.token, await resolveToken(params.token), {
      outcome: { action: 'code', at: sent.expiresAt },
      codeSent: true,
    });
  }),
  signQuote: defineOperation(contracts, 'signQuote', async ({ params, body, event }) =>
    answer(event, params.token, 'sign', () => signQuote(params.token, body, visitorOf(event))),
  ),
  requestQuoteChanges: defineOperation(contracts, 'requestQuoteChanges', async ({ params, body, event }) =>
    answer(event, params.token, 'changes', () => requestChanges(params.token, body)),
  ),
  declineQuote: defineOperation(contracts, 'declineQuote', async ({ params, body, event }) =>
    answer(event, params.token, 'decline', () => declineQuote(params.token, body)),
  ),
};
