import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
// The English messages of zod/mini for the errors below, whatever else this process loads.
import '#schemas/messages';
import { compiledTemplate, createHandlebars } from './handlebars.ts';
import { formatDate, formatDateTime, formatMoney, intlLocale, type Locale } from './i18n.ts';
import { templatesDir } from './paths.ts';
import { type LabelledValue, type Paragraph, type QuoteView, toParagraphs } from './view.ts';

export interface Email {
  subject: string;
  html: string;
  text: string;
}

export interface QuoteEmailInput {
  /** The customer's link to the quote page. */
  url: string;
  /** The rep's own subject and message (`POST /quotes/{id}/send`); the locale's defaults otherwise. */
  subject?: string;
  message?: string;
}

export interface SignedCopyEmailInput {
  /** Where the signed copy can be downloaded. */
  url: string;
  signerName: string;
  signedAt: string;
}

/**
 * What a rep is told about by email: the customer's actions, and an email to the customer that could
 * not be delivered (`email_failed`, after a permanent failure or 24 hours of retries).
 */
export const NOTICE_KINDS = [
  'viewed',
  'signed',
  'changes_requested',
  'declined',
  'expired',
  'email_failed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface RepNotice {
  kind: NoticeKind;
  /** When it happened (ISO timestamp). */
  at: string;
  /** The deal in the rep's app. */
  url: string;
  signerName?: string;
  /** Decline reason. */
  reason?: string;
  /** The customer's message (changes requested, decline). */
  message?: string;
  /** `email_failed`: the address that did not get the email. */
  failedTo?: string;
  /** `signed`: the signed copy could not be built, so the customer's email went out without it. */
  copyNotBuilt?: boolean;
  /** The rep's language; the quote's when absent. */
  locale?: Locale;
  /** The deal was already closed when this happened: it stayed as the rep left it. */
  dealStays?: 'won' | 'lost';
}

/** The schema of `email/<locale>.json`, built on the first load (not at cold start). */
function emailStringsSchema() {
  const Line = z.string().check(z.minLength(1));
  const SubjectMessage = z.strictObject({ subject: Line, message: Line });
  return z.strictObject({
    quote: z.strictObject({ subject: Line, message: Line, button: Line, summaryTitle: Line }),
    signedCopy: z.strictObject({ subject: Line, message: Line, button: Line }),
    reminder: z.strictObject({
      subject: Line,
      not_opened: Line,
      not_answered: Line,
      before_expiry: Line,
      manual: Line,
      signature: Line,
    }),
    code: z.strictObject({ subject: Line, message: Line }),
    notice: z.strictObject({
      viewed: SubjectMessage,
      signed: SubjectMessage,
      changes_requested: SubjectMessage,
      declined: SubjectMessage,
      expired: SubjectMessage,
      email_failed: SubjectMessage,
      copyNotBuilt: Line,
      /** Said when the answer found the deal already closed and left it as it was. */
      dealStays: z.strictObject({ won: Line, lost: Line }),
      customerMessage: Line,
      button: Line,
    }),
    common: z.strictObject({ total: Line, validUntil: Line, linkHelp: Line, footer: Line, colon: Line }),
  });
}
let stringsSchema: ReturnType<typeof emailStringsSchema> | undefined;
export type EmailStrings = z.infer<ReturnType<typeof emailStringsSchema>>;

export class EmailTemplateError extends Error {}

/** Reads and checks `email/<locale>.json`: the same structure in every language, no empty string. */
export function loadEmailStrings(root: string, locale: Locale): EmailStrings {
  const file = path.join(root, 'email', `${locale}.json`);
  stringsSchema ??= emailStringsSchema();
  const result = stringsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!result.success) throw new EmailTemplateError(`${file}: ${z.prettifyError(result.error)}`);
  return result.data;
}

interface Compiled {
  strings: Record<Locale, EmailStrings>;
  html: HandlebarsTemplateDelegate<EmailContext>;
  text: HandlebarsTemplateDelegate<EmailContext>;
}

/** Our own instance, as for the quote page: its helpers escape what they are given. */
const hbs = createHandlebars();
hbs.registerHelper('paragraphs', (value: unknown) => {
  const paragraphs = Array.isArray(value) ? (value as unknown[]) : [];
  const html = paragraphs
    .map((p) => {
      const lines = Array.isArray(p) ? p.filter((l): l is string => typeof l === 'string') : [];
      return `<p style="margin:0 0 16px;">${lines.map((l) => hbs.Utils.escapeExpression(l)).join('<br>')}</p>`;
    })
    .join('');
  return new hbs.SafeString(html);
});

const cache = new Map<string, Compiled>();

function compiled(root: string): Compiled {
  let entry = cache.get(root);
  if (entry === undefined) {
    entry = {
      strings: { en: loadEmailStrings(root, 'en'), fr: loadEmailStrings(root, 'fr') },
      // Strict; the text part unescaped (compile options: ./handlebars.ts).
      html: compiledTemplate<EmailContext>(hbs, root, path.join('email', 'layout.html.hbs')),
      text: compiledTemplate<EmailContext>(hbs, root, path.join('email', 'layout.text.hbs')),
    };
    cache.set(root, entry);
  }
  return entry;
}

/** The strings of a locale, e.g. to prefill the rep's send dialog. */
export function emailStrings(locale: Locale, root: string = templatesDir()): EmailStrings {
  return compiled(root).strings[locale];
}

/**
 * Fills `{{name}}` from `values` by plain substitution: the text is never compiled as a template,
 * so a rep's message (or a customer's name) containing `{{...}}` is printed as written, and a
 * placeholder that is not in `values` stays visible.
 */
export function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? whole) : whole,
  );
}

/** A subject is one header line: no line breaks (header injection), no runs of spaces. */
function subjectLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 250);
}

/** Links go into `href`s: only web URLs, never `javascript:` or `data:`. */
function webUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EmailTemplateError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new EmailTemplateError(`not a web URL: ${url}`);
  }
  return parsed.href;
}

interface EmailContext {
  lang: string;
  /** ":" in English, "\u00a0:" in French (plain-text part). */
  colon: string;
  subject: string;
  preheader: string;
  colors: QuoteView['theme']['colors'];
  paragraphs: Paragraph[];
  quoted: { label: string; paragraphs: Paragraph[] } | null;
  summary: { title: string; rows: LabelledValue[] } | null;
  button: { url: string; label: string } | null;
  linkHelp: string | null;
  footer: string | null;
}

function render(root: string, locale: Locale, fields: Omit<EmailContext, 'colon' | 'lang'>): Email {
  const { html, text, strings } = compiled(root);
  const context: EmailContext = { ...fields, lang: intlLocale(locale), colon: strings[locale].common.colon };
  return {
    subject: context.subject,
    html: html(context),
    text: `${text(context)
      .replace(/\n{3,}/g, '\n\n')
      .trim()}\n`,
  };
}

function quoteValues(view: QuoteView): Record<string, string> {
  return {
    number: view.number,
    sellerName: view.seller.name,
    recipientName: view.recipient.name,
    clientName: view.client.name,
    total: view.total,
    validUntil: view.validUntil,
  };
}

/** The default subject and message of the quote email, filled in (what the send dialog shows). */
export function defaultQuoteEmail(
  view: QuoteView,
  root: string = view.template.root,
): { subject: string; message: string } {
  const strings = compiled(root).strings[view.locale].quote;
  const values = quoteValues(view);
  return {
    subject: subjectLine(interpolate(strings.subject, values)),
    message: interpolate(strings.message, values),
  };
}

/** An email that leads the customer to the quote: a message, the summary (total, validity) and the link. */
function quoteLinkEmail(
  view: QuoteView,
  content: { subject: string; message: string; url: string; preheader: string },
): Email {
  const root = view.template.root;
  const strings = compiled(root).strings[view.locale];
  const values = quoteValues(view);
  return render(root, view.locale, {
    subject: subjectLine(content.subject),
    preheader: content.preheader,
    colors: view.theme.colors,
    paragraphs: toParagraphs(content.message),
    quoted: null,
    summary: {
      title: interpolate(strings.quote.summaryTitle, values),
      rows: [
        { label: strings.common.total, value: view.total },
        { label: strings.common.validUntil, value: view.validUntil },
      ],
    },
    button: { url: webUrl(content.url), label: strings.quote.button },
    linkHelp: strings.common.linkHelp,
    footer: interpolate(strings.common.footer, values),
  });
}

/** "Your quote": the rep's (or the default) message, a summary (total, validity) and the link. */
export function renderQuoteEmail(view: QuoteView, input: QuoteEmailInput): Email {
  const strings = compiled(view.template.root).strings[view.locale];
  const values = quoteValues(view);
  return quoteLinkEmail(view, {
    subject: interpolate(input.subject ?? strings.quote.subject, values),
    message: interpolate(input.message ?? strings.quote.message, values),
    url: input.url,
    preheader: `${interpolate(strings.quote.summaryTitle, values)} · ${strings.common.total} ${view.total}`,
  });
}

export interface ReminderEmailInput {
  url: string;
  kind: 'not_opened' | 'not_answered' | 'before_expiry' | 'manual';
  /** The rep's own words (a reminder sent by hand). */
  message?: string;
}

/** A reminder: the locale's words for why (or the rep's), the summary and the same link. */
export function renderReminderEmail(view: QuoteView, input: ReminderEmailInput): Email {
  const strings = compiled(view.template.root).strings[view.locale];
  const values = quoteValues(view);
  return quoteLinkEmail(view, {
    subject: interpolate(strings.reminder.subject, values),
    message: input.message?.trim()
      ? input.message
      : `${interpolate(strings.reminder[input.kind], values)}\n\n${interpolate(strings.reminder.signature, values)}`,
    url: input.url,
    preheader: `${interpolate(strings.quote.summaryTitle, values)} · ${strings.common.validUntil} ${view.validUntil}`,
  });
}

/** The one-time code a signer asked for: only the code, its validity, and who sent it. */
export function renderCodeEmail(view: QuoteView, input: { code: string; minutes: number }): Email {
  const root = view.template.root;
  const strings = compiled(root).strings[view.locale];
  const values = { ...quoteValues(view), code: input.code, minutes: String(input.minutes) };
  const subject = subjectLine(interpolate(strings.code.subject, values));
  return render(root, view.locale, {
    subject,
    preheader: subject,
    colors: view.theme.colors,
    paragraphs: toParagraphs(interpolate(strings.code.message, values)),
    quoted: null,
    summary: null,
    button: null,
    linkHelp: null,
    footer: interpolate(strings.common.footer, values),
  });
}

/** To the customer after signing: thanks, and where to download the signed copy. */
export function renderSignedCopyEmail(view: QuoteView, input: SignedCopyEmailInput): Email {
  const root = view.template.root;
  const strings = compiled(root).strings[view.locale];
  const values = {
    ...quoteValues(view),
    signerName: input.signerName,
    signedAt: formatDateTime(input.signedAt, view.locale, view.timeZone),
  };
  const subject = subjectLine(interpolate(strings.signedCopy.subject, values));
  return render(root, view.locale, {
    subject,
    preheader: subject,
    colors: view.theme.colors,
    paragraphs: toParagraphs(interpolate(strings.signedCopy.message, values)),
    quoted: null,
    summary: {
      title: interpolate(strings.quote.summaryTitle, values),
      rows: [{ label: strings.common.total, value: view.total }],
    },
    button: { url: webUrl(input.url), label: strings.signedCopy.button },
    linkHelp: strings.common.linkHelp,
    footer: interpolate(strings.common.footer, values),
  });
}

/** A short notice to the rep: quote viewed, signed, changes requested, declined or expired. */
export function renderRepNotice(view: QuoteView, notice: RepNotice): Email {
  const root = view.template.root;
  const locale = notice.locale ?? view.locale;
  const strings = compiled(root).strings[locale];
  const values = {
    ...quoteValues(view),
    // The rep may read another language than the customer: figures are reprinted in theirs.
    total: formatMoney(view.amounts.total, view.currency, locale),
    validUntil: formatDate(view.validUntilDate, locale),
    at: formatDateTime(notice.at, locale, view.timeZone),
    signerName: notice.signerName ?? view.recipient.name,
    reason: notice.reason ?? '',
    failedTo: notice.failedTo ?? view.recipient.email,
  };
  const text = strings.notice[notice.kind];
  const body = interpolate(text.message, values);
  const extra = notice.copyNotBuilt ? `\n\n${interpolate(strings.notice.copyNotBuilt, values)}` : '';
  const subject = subjectLine(interpolate(text.subject, values));
  const message = notice.message?.trim() ? toParagraphs(notice.message) : [];
  return render(root, locale, {
    subject,
    preheader: subject,
    colors: view.theme.colors,
    paragraphs: [
      ...toParagraphs(`${body}${extra}`),
      ...(notice.dealStays ? toParagraphs(strings.notice.dealStays[notice.dealStays]) : []),
    ],
    quoted: message.length > 0 ? { label: strings.notice.customerMessage, paragraphs: message } : null,
    summary: null,
    button: { url: webUrl(notice.url), label: strings.notice.button },
    linkHelp: strings.common.linkHelp,
    footer: null,
  });
}

/** A webhook endpoint was switched off after failing for 24 hours (to the manager who registered it). */
export interface WebhookDisabledNotice {
  endpointUrl: string;
  endpointId: string;
  failingSince: string;
  lastError: string;
}

const NEUTRAL_COLORS: QuoteView['theme']['colors'] = {
  primary: '#1f2937',
  onPrimary: '#ffffff',
  accent: '#2563eb',
  text: '#111827',
  muted: '#6b7280',
  rule: '#e5e7eb',
  tint: '#f3f4f6',
};

/** In English: the manager's language is not known (their token carries none). */
export function renderWebhookDisabledNotice(notice: WebhookDisabledNotice): Email {
  const subject = subjectLine(`Webhook disabled: ${notice.endpointUrl}`);
  const text = [
    `Closer could not deliver events to ${notice.endpointUrl} since ${notice.failingSince} (24 hours of failed tries), so this endpoint (id ${notice.endpointId}) is now disabled: it receives nothing until it is enabled again.`,
    `Last error: ${notice.lastError}`,
    'Fix the receiver, then set the endpoint active again (PATCH /webhooks/{id} with {"active": true}) and redeliver what it missed from its delivery log (GET /webhooks/{id}/deliveries).',
  ].join('\n\n');
  return render(templatesDir(), 'en', {
    subject,
    preheader: subject,
    colors: NEUTRAL_COLORS,
    paragraphs: toParagraphs(text),
    quoted: null,
    summary: null,
    button: null,
    linkHelp: null,
    footer: null,
  });
}
