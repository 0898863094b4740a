import type { Contract } from '#http/operation';
import { ActionResult, ChangesInput, DeclineInput, SignInput, TokenParams } from '#schemas/public';

/** The customer's routes (no login: the link's token is the capability). */
const page = { mediaType: 'text/html', description: 'the quote page, in the quote language' };

export const pageContracts = {
  getQuotePage: {
    summary: "The customer's quote page (HTML)",
    description:
      'The first view marks the quote viewed. Unknown tokens answer a 404 page; a quote past its validity date a 410 page; final states a page that says so, with no action.',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    response: page,
    errors: [404, 410],
  },
  signQuote: {
    summary: 'Sign the quote',
    description:
      "JSON answers JSON; a form post answers the page. Records the evidence (name, drawn image, consent, IP, user agent, time, document hash), marks the quote signed and moves the deal to the pipeline's onQuoteSigned stage in one transaction. A retried identical request answers the same result; any other action after the first answers 409.",
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    body: SignInput,
    bodyTypes: ['json', 'form'],
    response: ActionResult,
    errors: [403, 404, 409, 410],
  },
  requestQuoteChanges: {
    summary: 'Ask the seller for changes',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    body: ChangesInput,
    bodyTypes: ['json', 'form'],
    response: ActionResult,
    errors: [403, 404, 409, 410],
  },
  declineQuote: {
    summary: 'Decline the quote, with a reason',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    body: DeclineInput,
    bodyTypes: ['json', 'form'],
    response: ActionResult,
    errors: [403, 404, 409, 410],
  },
} as const satisfies Record<string, Contract>;
