import type { Contract } from '#http/operation';
import {
  ActionResult,
  ChangesInput,
  CodeRequestResult,
  DeclineInput,
  SignInput,
  TokenParams,
} from '#schemas/public';

/** The customer's routes (no login: the link's token is the capability). */
const page = { mediaType: 'text/html', description: 'the quote page, in the quote language' };

export const pageContracts = {
  getQuotePage: {
    summary: "The customer's quote page (HTML)",
    description:
      'A GET does not mark the quote viewed (link scanners fetch it too): the page reports itself once a person sees it (POST /q/{token}/view); without JavaScript a second GET a few seconds after the first counts. Scanner user agents, and GETs the page never reports, land on the timeline as quote.link_scanned. Unknown tokens answer a 404 page; a quote past its validity date a 410 page; final states a page that says so, with no action.',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    response: page,
    errors: [404, 410],
  },
  signQuote: {
    summary: 'Sign the quote',
    description:
      "JSON answers JSON; a form post answers the page. Records the evidence (name, drawn image, consent, IP, user agent, time, document hash), marks the quote signed and moves the deal to the pipeline's onQuoteSigned stage in one transaction. A retried identical request answers the same result; any other action after the first answers 409. When the quote requires a one-time code (requireCode), `code` must be the one emailed to the recipient: missing, wrong or expired answers 422 with the reason in details (code_required, code_invalid, code_expired); a code out of tries (5) answers 429; the code is spent with the signature, which records the verification.",
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    body: SignInput,
    bodyTypes: ['json', 'form'],
    response: ActionResult,
    errors: [403, 404, 409, 410, 429],
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
  headQuotePage: {
    summary: 'HEAD of the quote page (what link scanners send)',
    description:
      'Answers the headers of the page with no body; recorded on the timeline as quote.link_scanned (link opened by an automated scanner), never as a view.',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    response: page,
    errors: [404],
  },
  reportQuoteView: {
    summary: 'The page reports that a person sees it',
    description:
      "Sent by the page's own script once the page is visible, from the same origin only (403 otherwise). The first report marks the quote viewed and notifies the rep once; later ones land on the timeline.",
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    status: 204,
    response: { mediaType: 'text/plain', description: 'no content' },
    errors: [403, 404],
  },
  requestSignerCode: {
    summary: 'Email a one-time code to the recipient, to sign a quote that requires one',
    description:
      'Six digits, valid 10 minutes, 5 tries; at most 3 codes an hour per quote (then 429, try again later). JSON answers the masked address and expiry; a form post answers the page with the code field. 409 when the quote needs no code or was answered, 410 past its validity.',
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    bodyTypes: ['json', 'form'],
    response: CodeRequestResult,
    errors: [403, 404, 409, 410, 429],
  },
} as const satisfies Record<string, Contract>;
