import type { DeclineReason } from '#schemas/public';
import type { QuoteView } from './view.ts';

/**
 * What the customer's quote page (`GET /q/{token}` and the answers to its form posts) renders.
 * The pages function builds it; `renderQuotePage` (page.ts) turns it into HTML. Pure data: every
 * string is user data or a label, and the renderer escapes all of it.
 */
export type PageState =
  /** Waiting for the customer: the three actions are offered. */
  | 'open'
  | 'signed'
  | 'declined'
  | 'changes_requested'
  /** Past its validity date (410), with the rep's contact. */
  | 'expired'
  | 'withdrawn'
  /** A newer version was sent: nothing else is revealed. */
  | 'superseded';

export type ActionName = 'sign' | 'changes' | 'decline';

export interface FieldError {
  /** The form field: name, email, signature, consent, message, reason, code. */
  field: string;
  message: string;
  /** Why the server refused it, when it says (the one-time code: code_invalid, code_expired...). */
  reason?: string;
}

export interface QuotePageModel {
  state: PageState;
  view: QuoteView;
  /** Base path of the page and its actions: `/q/<token>`; forms post to `<base>/sign` etc. */
  basePath: string;
  /** CSP nonce for the page's one inline script (the signature pad). */
  nonce: string;
  /** SHA-256 of the PDF the page offers; the sign form sends it back. */
  documentHash?: string;
  /** Where the PDF downloads: the signed copy once signed. */
  pdfUrl: string;
  /** Signed, and the sealed copy not built yet: no download link, a note that it is on its way. */
  signedCopyPending?: boolean;
  /** After an action (or a lost race: `conflict`), what to confirm at the top of the page. */
  outcome?: { action: ActionName | 'conflict' | 'code'; at?: string };
  /** The quote requires a one-time code to sign: where it goes (masked), and whether one was just sent. */
  code?: { to: string; sent?: boolean };
  /** Where the page's script reports that a person sees it (while the quote waits for an answer). */
  viewReport?: string;
  /** The signature, on a signed quote. */
  signature?: {
    name: string;
    at: string;
    method: 'typed' | 'drawn';
    documentHash: string;
    /** The signer proved they read the recipient's mailbox with a one-time code. */
    verification?: { to: string; sentAt: string };
  };
  /** The decline, on a declined quote. */
  decline?: { reason: DeclineReason; message?: string; at: string };
  /** The customer's last change request, on a quote in `changes_requested`. */
  changeRequest?: { message: string; at: string };
  /** Who to contact (the deal owner), shown on expired and withdrawn quotes. */
  contact?: { name: string; email?: string };
  /** A form post that failed validation: the form to reopen, its errors and what was typed. */
  form?: { action: ActionName; errors: FieldError[]; values: Record<string, string> };
}

/** The page for an unknown, malformed or revoked link (404): says nothing about any quote. */
export interface NotFoundPageModel {
  locale: 'en' | 'fr';
  /** CSP nonce for the page's `<style>`; without it the style needs `style-src 'unsafe-inline'`. */
  nonce?: string;
}
