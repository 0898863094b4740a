import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DECLINE_REASONS } from '#domain/quotes';
import type { DeclineReason } from '#schemas/public';
import { compiledTemplate, createHandlebars, type SafeString } from './handlebars.ts';
import { paragraphsHtml, quoteStyles, renderQuoteBody } from './html.ts';
import { fill, formatDateTime, intlLocale, LOCALES, type Locale } from './i18n.ts';
import type { ActionName, FieldError, NotFoundPageModel, PageState, QuotePageModel } from './page-model.ts';
import { templatesDir } from './paths.ts';
import { type Paragraph, type QuoteView, toParagraphs } from './view.ts';

/**
 * The customer's quote page (`GET /q/{token}` and the answers to its form posts) and the 404 page
 * of an invalid link. Pure: a page model in, a complete HTML5 document out.
 *
 * Everything printed goes through Handlebars' escaping; the only unescaped inserts are the quote
 * body (itself rendered by the escaping quote renderer), our own stylesheet and script (files of
 * the templates folder, checked at load time not to close their element), and the `paragraphs`
 * helper, which escapes each line itself.
 *
 * CSP: the page needs `script-src 'nonce-<n>'` and `style-src 'nonce-<n>'` (one `<style>` and, on
 * an open quote, one `<script>`, both carrying `model.nonce`; no `style` attribute anywhere: the
 * script styles the canvas through the CSSOM, which CSP allows) and `img-src data:` (an image logo).
 */

/** Every label of the page; `templates/page/<locale>.json` must hold exactly these, none empty. */
export const PAGE_LABEL_KEYS = [
  'documentTitle',
  'skipToAnswer',
  'downloadPdf',
  'downloadSignedPdf',
  'answerTitle',
  'answerIntro',
  'required',
  'optional',
  'signTitle',
  'fullName',
  'fullNameHint',
  'email',
  'emailHint',
  'padLabel',
  'padHelp',
  'padClear',
  'padCleared',
  'consent',
  'consentHint',
  'signSubmit',
  'changesTitle',
  'changesLabel',
  'changesHint',
  'changesSubmit',
  'declineTitle',
  'declineReasonLegend',
  'reasonPrice',
  'reasonTiming',
  'reasonCompetitor',
  'reasonNoLongerNeeded',
  'reasonOther',
  'declineMessageLabel',
  'declineSubmit',
  'errorSummary',
  'errorName',
  'errorEmail',
  'errorConsent',
  'errorSignature',
  'errorDocumentHash',
  'errorChangesMessage',
  'errorDeclineMessage',
  'errorReason',
  'codeLabel',
  'codeHint',
  'codeSend',
  'codeSent',
  'errorCodeRequired',
  'errorCodeInvalid',
  'errorCodeExpired',
  'errorCodeLocked',
  'outcomeSign',
  'outcomeChanges',
  'outcomeDecline',
  'conflict',
  'stateSigned',
  'stateDeclined',
  'stateChangesRequested',
  'stateExpired',
  'stateWithdrawn',
  'contactTitle',
  'contactText',
  'signatureTitle',
  'declinedTitle',
  'declineReason',
  'yourMessage',
  'declinedOn',
  'changesRequestedTitle',
  'receivedOn',
  'expiredTitle',
  'withdrawnTitle',
  'supersededPageTitle',
  'supersededTitle',
  'supersededText',
  'notFoundPageTitle',
  'notFoundTitle',
  'notFoundText',
  'copyPendingNote',
  'copyPendingPageTitle',
  'copyPendingTitle',
  'copyPendingText',
] as const;

export type PageLabelKey = (typeof PAGE_LABEL_KEYS)[number];
export type PageLabels = Record<PageLabelKey, string>;

/** A file of `templates/page/` is missing or broken: thrown on the first render, naming the file. */
export class PageTemplateError extends Error {}

/** The page builds its HTML from these; anything else is a programming error, not a customer's. */
export class PageModelError extends Error {}

/** The decline reasons in the order the form lists them, with their label. */
const REASON_LABELS: Record<DeclineReason, PageLabelKey> = {
  price: 'reasonPrice',
  timing: 'reasonTiming',
  competitor: 'reasonCompetitor',
  no_longer_needed: 'reasonNoLongerNeeded',
  other: 'reasonOther',
};

/** Checks a parsed `page/<locale>.json`: exactly the known keys, each a non-empty string. */
export function parsePageLabels(raw: unknown, source: string): PageLabels {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PageTemplateError(`${source}: expected an object of labels`);
  }
  const entries = raw as Record<string, unknown>;
  const known = new Set<string>(PAGE_LABEL_KEYS);
  const unknown = Object.keys(entries).filter((key) => !known.has(key));
  const missing = PAGE_LABEL_KEYS.filter((key) => typeof entries[key] !== 'string' || entries[key] === '');
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [
      missing.length > 0 ? `missing or empty labels: ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown labels: ${unknown.join(', ')}` : '',
    ];
    throw new PageTemplateError(`${source}: ${problems.filter(Boolean).join('; ')}`);
  }
  return Object.fromEntries(PAGE_LABEL_KEYS.map((key) => [key, entries[key]])) as PageLabels;
}

function readPageFile(root: string, name: string): string {
  const file = path.join(root, 'page', name);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PageTemplateError(`${file}: ${(error as Error).message}`);
  }
}

/** Reads `page/<locale>.json` of a templates directory. */
export function loadPageLabels(root: string, locale: Locale): PageLabels {
  const file = path.join(root, 'page', `${locale}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readPageFile(root, `${locale}.json`));
  } catch (error) {
    if (error instanceof PageTemplateError) throw error;
    throw new PageTemplateError(`${file}: ${(error as Error).message}`);
  }
  return parsePageLabels(raw, file);
}

/** Our own instance: its one helper and partial cannot leak into, or be replaced by, other code. */
const hbs = createHandlebars();
hbs.registerHelper('paragraphs', (value: unknown) => new hbs.SafeString(paragraphsHtml(value)));

interface PageAssets {
  labels: Record<Locale, PageLabels>;
  quote: HandlebarsTemplateDelegate<QuotePageContext>;
  notFound: HandlebarsTemplateDelegate<NotFoundContext>;
  css: string;
  /** signature_pad's UMD build followed by our glue: the page's one inline script. */
  script: string;
}

/**
 * The vendored build ends with a source map comment; the map is not shipped, and a browser's
 * developer tools would only try (and, under the page's CSP, fail) to fetch it.
 */
function withoutSourceMap(source: string): string {
  return source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

function loadAssets(root: string): PageAssets {
  const css = readPageFile(root, 'page.css');
  if (/<\/style/i.test(css)) throw new PageTemplateError(`${root}/page/page.css must not contain "</style"`);
  const script = [
    withoutSourceMap(readPageFile(root, 'vendor/signature_pad.umd.min.js')),
    readPageFile(root, 'signature.js'),
    readPageFile(root, 'view-report.js'),
  ].join('\n');
  // Either would end the inline <script> element early (or open an HTML comment in it).
  if (/<\/script|<!--/i.test(script)) {
    throw new PageTemplateError(`${root}/page scripts must not contain "</script" or "<!--"`);
  }
  // Strict, and only the `paragraphs` helper (compile options: ./handlebars.ts).
  const load = <T>(name: string): HandlebarsTemplateDelegate<T> => {
    readPageFile(root, name); // a missing file says which, as a PageTemplateError
    return compiledTemplate<T>(hbs, root, path.join('page', name));
  };
  const partials = { errorSummary: load('error-summary.hbs') };
  const compile = <T>(name: string): HandlebarsTemplateDelegate<T> => {
    const fn = load<T>(name);
    return (context, options) => fn(context, { ...options, partials });
  };
  return {
    labels: { en: loadPageLabels(root, 'en'), fr: loadPageLabels(root, 'fr') },
    quote: compile<QuotePageContext>('quote.hbs'),
    notFound: compile<NotFoundContext>('not-found.hbs'),
    css,
    script,
  };
}

const assetsByRoot = new Map<string, PageAssets>();

/** Read and compiled once per templates directory (once per Lambda container). */
export function pageAssets(root: string = templatesDir()): PageAssets {
  const dir = path.resolve(root);
  let assets = assetsByRoot.get(dir);
  if (assets === undefined) {
    assets = loadAssets(dir);
    assetsByRoot.set(dir, assets);
  }
  return assets;
}

/** The labels of the page in a locale (the unit tests compare the locales). */
export function pageLabels(locale: Locale, root?: string): PageLabels {
  return pageAssets(root).labels[locale];
}

// ---------------------------------------------------------------------------------------------
// The context the templates read: every string final (labels filled, dates formatted), absent
// values `null` so that strict templates can test them.

interface FieldView {
  id: string;
  value: string;
  error: string | null;
  errorId: string;
  hintId: string;
  /** The hint and, when there is one, the error: what a screen reader says after the label. */
  describedBy: string;
  autofocus: boolean;
}

interface ErrorItem {
  text: string;
  /** The field to jump to, when the error belongs to one the page shows. */
  href: string | null;
}

interface FormView {
  id: ActionName;
  action: string;
  open: boolean;
  errors: ErrorItem[];
  /** The summary takes the focus when no field can (an error about the document, say). */
  summaryAutofocus: boolean;
}

interface ActionsView {
  documentHash: string | null;
  changesHint: string;
  sign: FormView & {
    name: FieldView;
    email: FieldView;
    signature: FieldView;
    consent: CheckView;
    code: (FieldView & { hint: string; send: string; action: string }) | null;
  };
  changes: FormView & { message: FieldView };
  decline: FormView & { reason: ChoiceView; message: FieldView };
}

interface CheckView extends FieldView {
  checked: boolean;
}

interface ChoiceView extends FieldView {
  choices: { id: string; value: string; label: string; checked: boolean; autofocus: boolean }[];
}

interface RecordView {
  title: string;
  text: string | null;
  rows: { label: string; value: string; mono: boolean }[];
  note: string | null;
  message: { label: string; paragraphs: Paragraph[] } | null;
  contact: { text: string; email: string | null } | null;
  pdf: LinkView | null;
}

interface LinkView {
  url: string;
  label: string;
}

interface QuotePageContext {
  lang: string;
  /** Where the page's script reports a view (absent: no report). */
  viewReport: string | null;
  title: string;
  nonce: string;
  styles: SafeString;
  script: SafeString | null;
  labels: PageLabels;
  skipLink: boolean;
  topbar: { seller: string; pdf: LinkView | null } | null;
  superseded: boolean;
  notice: { tone: 'success' | 'info' | 'warning'; live: boolean; lines: string[] } | null;
  body: SafeString | null;
  record: RecordView | null;
  actions: ActionsView | null;
}

interface NotFoundContext {
  lang: string;
  title: string;
  nonce: string | null;
  styles: SafeString;
  messages: { locale: Locale; lang: string; title: string; text: string }[];
}

/** A nonce is base64 (or base64url): anything else means the caller passed the wrong value. */
const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

function checkNonce(nonce: string | undefined): string {
  if (nonce === undefined || !NONCE.test(nonce)) {
    throw new PageModelError('the page needs a CSP nonce of at least 16 base64 characters');
  }
  return nonce;
}

/**
 * Links the page prints come from the pages function, never from a customer; still, only a path
 * of this site or an http(s) URL can become an href, so a mistake cannot produce `javascript:`.
 */
function checkUrl(url: string, what: string): string {
  if (!/^(\/(?!\/)|https?:\/\/)/i.test(url))
    throw new PageModelError(`${what} must be a path or an http(s) URL`);
  return url;
}

function when(view: QuoteView, at: string | undefined): string | null {
  return at === undefined ? null : formatDateTime(at, view.locale, view.timeZone);
}

const STATUS_LABEL: Record<PageState, keyof QuoteView['labels']> = {
  open: 'statusSent',
  signed: 'statusSigned',
  declined: 'statusDeclined',
  changes_requested: 'statusChangesRequested',
  expired: 'statusExpired',
  withdrawn: 'statusWithdrawn',
  superseded: 'statusSuperseded',
};

/** The localized message of a field error; the server's own message for a field the page does not know. */
const ERROR_LABELS: Record<ActionName, Partial<Record<string, PageLabelKey>>> = {
  sign: {
    name: 'errorName',
    email: 'errorEmail',
    consent: 'errorConsent',
    signature: 'errorSignature',
    documentHash: 'errorDocumentHash',
    code: 'errorCodeInvalid',
  },
  changes: { message: 'errorChangesMessage' },
  decline: { reason: 'errorReason', message: 'errorDeclineMessage' },
};

/** The one-time code's refusals, by the reason the server gives. */
const CODE_ERRORS: Partial<Record<string, PageLabelKey>> = {
  code_required: 'errorCodeRequired',
  code_invalid: 'errorCodeInvalid',
  code_expired: 'errorCodeExpired',
  code_locked: 'errorCodeLocked',
};

/** Fields of each form that have an element to point at (documentHash has none: it is hidden). */
const FIELD_IDS: Record<ActionName, Partial<Record<string, string>>> = {
  sign: {
    name: 'sign-name',
    email: 'sign-email',
    consent: 'sign-consent',
    signature: 'sign-pad',
    code: 'sign-code',
  },
  changes: { message: 'changes-message' },
  decline: { reason: 'decline-reason-price', message: 'decline-message' },
};

function formView(
  model: QuotePageModel,
  labels: PageLabels,
  action: ActionName,
  anyOpen: boolean,
): {
  form: FormView;
  errorOf: (field: string) => string | null;
  values: Record<string, string>;
  focusField: string | null;
} {
  const submitted = model.form?.action === action ? model.form : undefined;
  const errors: FieldError[] = submitted?.errors ?? [];
  const messageOf = (error: FieldError) => {
    const key = (error.reason && CODE_ERRORS[error.reason]) || ERROR_LABELS[action][error.field];
    return key === undefined ? error.message : labels[key];
  };
  const focusable = errors.find((e) => FIELD_IDS[action][e.field] !== undefined);
  // Without a reopened form, Sign is the one shown open: it is what most visitors came to do.
  const open =
    submitted !== undefined ||
    (!anyOpen && action === 'sign') ||
    (action === 'sign' && model.code?.sent === true);
  return {
    form: {
      id: action,
      action: `${model.basePath}/${action}`,
      open,
      errors: errors.map((e) => {
        const id = FIELD_IDS[action][e.field];
        return { text: messageOf(e), href: id === undefined ? null : `#${id}` };
      }),
      summaryAutofocus: errors.length > 0 && focusable === undefined,
    },
    errorOf: (field) => {
      const error = errors.find((e) => e.field === field);
      return error === undefined ? null : messageOf(error);
    },
    values: submitted?.values ?? {},
    focusField: focusable?.field ?? null,
  };
}

function field(
  id: string,
  name: string,
  value: string,
  error: string | null,
  focusField: string | null,
  hint = true,
): FieldView {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return {
    id,
    value,
    error,
    errorId,
    hintId,
    describedBy: [hint ? hintId : '', error === null ? '' : errorId].filter(Boolean).join(' '),
    autofocus: focusField === name,
  };
}

function actionsView(model: QuotePageModel, labels: PageLabels): ActionsView {
  const anyOpen = model.form !== undefined;
  const sign = formView(model, labels, 'sign', anyOpen);
  const changes = formView(model, labels, 'changes', anyOpen);
  const decline = formView(model, labels, 'decline', anyOpen);
  const reasonValue = decline.values.reason ?? '';
  const reason = field(
    'decline-reason',
    'reason',
    reasonValue,
    decline.errorOf('reason'),
    decline.focusField,
    false,
  );
  const consent = field('sign-consent', 'consent', '', sign.errorOf('consent'), sign.focusField);
  return {
    documentHash: model.documentHash ?? null,
    changesHint: fill(labels.changesHint, { seller: model.view.seller.name }),
    sign: {
      ...sign.form,
      name: field('sign-name', 'name', sign.values.name ?? '', sign.errorOf('name'), sign.focusField),
      email: field('sign-email', 'email', sign.values.email ?? '', sign.errorOf('email'), sign.focusField),
      // The drawing is not kept across a failed post: it cannot be typed back, only drawn again.
      signature: field('sign-pad', 'signature', '', sign.errorOf('signature'), null),
      consent: { ...consent, checked: ['on', 'true', 'yes'].includes(sign.values.consent ?? '') },
      code: model.code
        ? {
            ...field(
              'sign-code',
              'code',
              '',
              sign.errorOf('code'),
              model.code.sent ? 'code' : sign.focusField,
            ),
            hint: fill(model.code.sent ? labels.codeSent : labels.codeHint, { to: model.code.to }),
            send: labels.codeSend,
            action: `${model.basePath}/code`,
          }
        : null,
    },
    changes: {
      ...changes.form,
      message: field(
        'changes-message',
        'message',
        changes.values.message ?? '',
        changes.errorOf('message'),
        changes.focusField,
      ),
    },
    decline: {
      ...decline.form,
      reason: {
        ...reason,
        choices: DECLINE_REASONS.map((value, i) => ({
          id: `decline-reason-${value.replace(/_/g, '-')}`,
          value,
          label: labels[REASON_LABELS[value]],
          checked: value === reasonValue,
          autofocus: i === 0 && reason.autofocus,
        })),
      },
      message: field(
        'decline-message',
        'message',
        decline.values.message ?? '',
        decline.errorOf('message'),
        decline.focusField,
        false,
      ),
    },
  };
}

function contactOf(model: QuotePageModel, labels: PageLabels): RecordView['contact'] {
  const name = model.contact?.name ?? model.view.seller.name;
  return { text: fill(labels.contactText, { name }), email: model.contact?.email ?? null };
}

/** The one-line account of a final state, shown at the top of the page. */
function stateLine(model: QuotePageModel, labels: PageLabels): string | null {
  const { view } = model;
  const seller = view.seller.name;
  switch (model.state) {
    case 'open':
    case 'superseded':
      return null;
    case 'signed': {
      const at = when(view, model.signature?.at);
      return model.signature && at
        ? fill(labels.stateSigned, { name: model.signature.name, at })
        : view.labels.statusSigned;
    }
    case 'declined': {
      const at = when(view, model.decline?.at);
      return at ? fill(labels.stateDeclined, { at }) : view.labels.statusDeclined;
    }
    case 'changes_requested': {
      const at = when(view, model.changeRequest?.at);
      return at ? fill(labels.stateChangesRequested, { at, seller }) : view.labels.statusChangesRequested;
    }
    case 'expired':
      return fill(labels.stateExpired, { date: view.validUntil });
    case 'withdrawn':
      return fill(labels.stateWithdrawn, { seller });
  }
}

function noticeView(model: QuotePageModel, labels: PageLabels): QuotePageContext['notice'] {
  const state = stateLine(model, labels);
  const outcome = model.outcome?.action;
  if (outcome === 'conflict') {
    const status = model.view.labels[STATUS_LABEL[model.state]];
    return {
      tone: 'warning',
      live: true,
      lines: [fill(labels.conflict, { status }), ...(state ? [state] : [])],
    };
  }
  if (outcome === 'code') {
    return { tone: 'info', live: true, lines: [fill(labels.codeSent, { to: model.code?.to ?? '' })] };
  }
  if (outcome !== undefined) {
    const lead = { sign: labels.outcomeSign, changes: labels.outcomeChanges, decline: labels.outcomeDecline }[
      outcome
    ];
    return { tone: 'success', live: true, lines: [lead, ...(state ? [state] : [])] };
  }
  if (state === null) return null;
  return { tone: model.state === 'signed' ? 'success' : 'info', live: false, lines: [state] };
}

/** The lines of the notice, plus (signed, copy not sealed yet) that the copy is on its way. */
function withPendingCopy(model: QuotePageModel, labels: PageLabels): QuotePageContext['notice'] {
  const notice = noticeView(model, labels);
  if (!notice || model.state !== 'signed' || !model.signedCopyPending) return notice;
  return { ...notice, lines: [...notice.lines, labels.copyPendingNote] };
}

function recordView(model: QuotePageModel, labels: PageLabels): RecordView | null {
  const { view } = model;
  const l = view.labels;
  const empty: RecordView = {
    title: '',
    text: null,
    rows: [],
    note: null,
    message: null,
    contact: null,
    pdf: null,
  };
  const row = (label: string, value: string | null, mono = false) =>
    value === null || value === '' ? [] : [{ label, value, mono }];
  switch (model.state) {
    case 'open':
    case 'superseded':
      return null;
    case 'signed': {
      const s = model.signature;
      return {
        ...empty,
        title: labels.signatureTitle,
        rows: [
          ...row(l.signer, s?.name ?? null),
          ...row(l.signedAt, when(view, s?.at)),
          ...row(l.signatureMethod, s ? (s.method === 'drawn' ? l.methodDrawn : l.methodTyped) : null),
          ...row(
            l.signerVerification,
            s?.verification
              ? fill(l.verifiedByCode, { to: s.verification.to, at: when(view, s.verification.sentAt) ?? '' })
              : null,
          ),
          ...row(l.documentHash, s?.documentHash ?? model.documentHash ?? null, true),
        ],
        note: l.documentHashNote,
        pdf: model.signedCopyPending
          ? null
          : { url: checkUrl(model.pdfUrl, 'pdfUrl'), label: labels.downloadSignedPdf },
      };
    }
    case 'declined': {
      const d = model.decline;
      const message = toParagraphs(d?.message);
      return {
        ...empty,
        title: labels.declinedTitle,
        rows: [
          ...row(labels.declineReason, d ? labels[REASON_LABELS[d.reason]] : null),
          ...row(labels.declinedOn, when(view, d?.at)),
        ],
        message: message.length > 0 ? { label: labels.yourMessage, paragraphs: message } : null,
      };
    }
    case 'changes_requested': {
      const c = model.changeRequest;
      const message = toParagraphs(c?.message);
      return {
        ...empty,
        title: labels.changesRequestedTitle,
        rows: row(labels.receivedOn, when(view, c?.at)),
        message: message.length > 0 ? { label: labels.yourMessage, paragraphs: message } : null,
      };
    }
    case 'expired':
      return {
        ...empty,
        title: labels.expiredTitle,
        text: fill(labels.stateExpired, { date: view.validUntil }),
        contact: contactOf(model, labels),
      };
    case 'withdrawn':
      return {
        ...empty,
        title: labels.withdrawnTitle,
        text: fill(labels.stateWithdrawn, { seller: view.seller.name }),
        contact: contactOf(model, labels),
      };
  }
}

/** The customer's quote page, in the quote's language. */
export function renderQuotePage(model: QuotePageModel): string {
  const { view } = model;
  const nonce = checkNonce(model.nonce);
  checkUrl(model.basePath, 'basePath');
  const assets = pageAssets(view.template.root);
  const labels = assets.labels[view.locale];
  const styles = new hbs.SafeString(`${quoteStyles(view)}\n${assets.css}`);

  if (model.state === 'superseded') {
    // Nothing about the quote: whoever holds an old link learns only that a newer one exists.
    return assets.quote({
      lang: view.lang,
      title: labels.supersededPageTitle,
      viewReport: null,
      nonce,
      styles,
      script: null,
      labels,
      skipLink: false,
      topbar: null,
      superseded: true,
      notice: null,
      body: null,
      record: null,
      actions: null,
    });
  }

  const open = model.state === 'open';
  const signed = model.state === 'signed';
  return assets.quote({
    lang: view.lang,
    title: fill(labels.documentTitle, { title: view.title, seller: view.seller.name }),
    viewReport: open && model.viewReport ? checkUrl(model.viewReport, 'viewReport') : null,
    nonce,
    styles,
    script: open ? new hbs.SafeString(assets.script) : null,
    labels,
    skipLink: true,
    topbar: {
      seller: view.seller.name,
      pdf:
        signed && model.signedCopyPending
          ? null
          : {
              url: checkUrl(model.pdfUrl, 'pdfUrl'),
              label: signed ? labels.downloadSignedPdf : labels.downloadPdf,
            },
    },
    superseded: false,
    notice: withPendingCopy(model, labels),
    body: new hbs.SafeString(renderQuoteBody(view)),
    record: recordView(model, labels),
    actions: open ? actionsView(model, labels) : null,
  });
}

/**
 * What `GET /q/{token}/pdf` answers (503, Retry-After) while a signed quote's sealed copy is being
 * built: one message in the quote's language, on the not-found page's plain layout.
 */
export function renderSignedCopyPendingPage(model: NotFoundPageModel): string {
  const assets = pageAssets();
  const labels = assets.labels[model.locale];
  return assets.notFound({
    lang: intlLocale(model.locale),
    title: labels.copyPendingPageTitle,
    nonce: model.nonce === undefined ? null : checkNonce(model.nonce),
    styles: new hbs.SafeString(assets.css),
    messages: [
      {
        locale: model.locale,
        lang: intlLocale(model.locale),
        title: labels.copyPendingTitle,
        text: labels.copyPendingText,
      },
    ],
  });
}

/**
 * The page of a link that leads nowhere. The link says nothing about its language, so both are
 * shown, the model's first (from Accept-Language when the pages function knows it).
 */
export function renderNotFoundPage(model: NotFoundPageModel): string {
  const assets = pageAssets();
  const order: Locale[] = [model.locale, ...LOCALES.filter((l) => l !== model.locale)];
  return assets.notFound({
    lang: intlLocale(model.locale),
    title: order.map((locale) => pageLabels(locale).notFoundPageTitle).join(' · '),
    // Optional in the model: without it the style is left to the CSP's style-src to allow or not.
    nonce: model.nonce === undefined ? null : checkNonce(model.nonce),
    styles: new hbs.SafeString(assets.css),
    messages: order.map((locale) => {
      const labels = assets.labels[locale];
      return { locale, lang: intlLocale(locale), title: labels.notFoundTitle, text: labels.notFoundText };
    }),
  });
}
