import type { Contract } from '#http/operation';
import { IdParams } from '#schemas/common';
import { TokenParams } from '#schemas/public';
import { QuoteEmailPreview, QuoteEmailQuery, QuoteSendInput, QuoteSendResult } from '#schemas/quote-requests';

/**
 * The contracts of the `documents` routes, apart from their implementation, so the OpenAPI
 * document (served by `api`) can describe them without bundling the PDF renderer.
 */
export const documentContracts = {
  getQuotePdf: {
    summary: 'The quote as a PDF (byte-identical for the same quote)',
    tags: ['quotes'],
    params: IdParams,
    response: { mediaType: 'application/pdf', description: 'the quote PDF' },
    errors: [404],
  },
  sendQuote: {
    summary: 'Send a draft quote by email or as a link',
    description:
      "Creates the capability link, marks the quote sent, records the document hash and moves the deal to the pipeline's onQuoteSent stage, in one transaction. With the email channel the email leaves through the outbox (notify).",
    tags: ['quotes'],
    params: IdParams,
    body: QuoteSendInput,
    response: QuoteSendResult,
    errors: [404, 409],
  },
  getQuoteEvidence: {
    summary: "A quote's evidence bundle (zip)",
    description:
      'The stored PDFs (as sent, and the sealed signed copy), the quote, its events with their hash chain and the verification of that chain, and the seal certificate, in one zip with a README saying how to check each.',
    tags: ['quotes'],
    params: IdParams,
    response: { mediaType: 'application/zip', description: 'the evidence bundle' },
    errors: [404, 409],
  },
  getPublicQuotePdf: {
    summary: "The customer's PDF: the quote, or the signed copy with its certificate page once signed",
    tags: ['customer'],
    auth: 'public',
    params: TokenParams,
    response: { mediaType: 'application/pdf', description: 'the quote PDF' },
    // 503 with Retry-After (HTML page or JSON): signed, the sealed copy not built yet.
    errors: [404, 410, 503],
  },
  // The quote builder's previews render like the PDF and the emails do: here, not in `api`.
  previewQuote: {
    summary: 'The quote as the customer will see it (HTML)',
    tags: ['quotes'],
    params: IdParams,
    response: { mediaType: 'text/html', description: 'the rendered quote' },
    errors: [404],
  },
  previewQuoteEmail: {
    summary: 'The quote email as it would be sent with this subject and message (the send dialog)',
    description:
      "Subject and message default to the template's in the quote's locale; `defaultSubject` and `defaultMessage` give those defaults filled in. The link in the preview is a stand-in.",
    tags: ['quotes'],
    params: IdParams,
    query: QuoteEmailQuery,
    response: QuoteEmailPreview,
    errors: [404],
  },
} as const satisfies Record<string, Contract>;
