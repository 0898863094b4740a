import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { VerifyResult } from '#schemas/verify';
import { compiledTemplate, createHandlebars } from './handlebars.ts';
import { fill, formatDateTime, intlLocale, type LabelKey, type Locale } from './i18n.ts';
import { pageAssets } from './page.ts';
import { templatesDir } from './paths.ts';
import { DEFAULT_TEMPLATE_ID, getTemplate } from './templates.ts';

/**
 * The public verify page (`GET /verify`, `GET /verify/{sha256}`, `POST /verify`): a form to check a
 * PDF and, once a file was checked, the answer. Same look and the same security as the quote page:
 * one inline style and one inline script, both under the response's nonce.
 */

const VERIFY_LABEL_KEYS = [
  'pageTitle',
  'heading',
  'intro',
  'fileLabel',
  'fileHint',
  'dropHint',
  'submit',
  'computing',
  'resultTitle',
  'issuedTitle',
  'issuedText',
  'unknownTitle',
  'unknownText',
  'document',
  'kindQuote',
  'kindSignedCopy',
  'seller',
  'status',
  'signedBy',
  'signedAt',
  'history',
  'chainValid',
  'chainInvalid',
  'chainNone',
  'seal',
  'fingerprint',
  'otherLanguage',
  'noFile',
  'tooLarge',
] as const;

export type VerifyLabelKey = (typeof VERIFY_LABEL_KEYS)[number];
export type VerifyLabels = Record<VerifyLabelKey, string>;

/** Status names are the quote's own labels (templates/locales), not a second copy. */
const STATUS_LABELS: Record<string, LabelKey> = {
  draft: 'statusDraft',
  sent: 'statusSent',
  viewed: 'statusViewed',
  signed: 'statusSigned',
  changes_requested: 'statusChangesRequested',
  declined: 'statusDeclined',
  expired: 'statusExpired',
  superseded: 'statusSuperseded',
  withdrawn: 'statusWithdrawn',
};

export class VerifyPageError extends Error {}

const hbs = createHandlebars();

interface VerifyAssets {
  labels: Record<Locale, VerifyLabels>;
  page: HandlebarsTemplateDelegate;
  css: string;
  script: string;
}

function read(root: string, name: string): string {
  const file = path.join(root, 'verify', name);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new VerifyPageError(`${file}: ${(error as Error).message}`);
  }
}

function labelsOf(root: string, locale: Locale): VerifyLabels {
  const file = path.join(root, 'verify', `${locale}.json`);
  const raw = JSON.parse(read(root, `${locale}.json`)) as Record<string, unknown>;
  const missing = VERIFY_LABEL_KEYS.filter((k) => typeof raw[k] !== 'string' || raw[k] === '');
  const unknown = Object.keys(raw).filter((k) => !(VERIFY_LABEL_KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || unknown.length > 0) {
    throw new VerifyPageError(
      `${file}: missing ${missing.join(', ') || 'none'}; unknown ${unknown.join(', ') || 'none'}`,
    );
  }
  return raw as VerifyLabels;
}

const cache = new Map<string, VerifyAssets>();

function assets(root: string = templatesDir()): VerifyAssets {
  const dir = path.resolve(root);
  let found = cache.get(dir);
  if (!found) {
    const css = `${pageAssets(dir).css}\n${read(dir, 'verify.css')}`;
    const script = read(dir, 'verify.js');
    if (/<\/style/i.test(css) || /<\/script|<!--/i.test(script)) {
      throw new VerifyPageError(`${dir}/verify: a style or script would end its element early`);
    }
    found = {
      labels: { en: labelsOf(dir, 'en'), fr: labelsOf(dir, 'fr') },
      page: compiledTemplate(hbs, dir, 'verify/page.hbs'),
      css,
      script,
    };
    cache.set(dir, found);
  }
  return found;
}

export function verifyLabels(locale: Locale, root?: string): VerifyLabels {
  return assets(root).labels[locale];
}

export interface VerifyPageModel {
  locale: Locale;
  nonce: string;
  result?: VerifyResult;
  /** A problem with the upload (no file, too large). */
  error?: 'noFile' | 'tooLarge';
  /** Where the language link points (this page in the other language). */
  path: string;
}

export function renderVerifyPage(model: VerifyPageModel): string {
  if (!/^[A-Za-z0-9+/=]{16,64}$/.test(model.nonce)) throw new VerifyPageError('bad nonce');
  const { labels: all, page, css, script } = assets();
  const labels = all[model.locale];
  const other: Locale = model.locale === 'fr' ? 'en' : 'fr';
  const result = model.result ? resultView(model.result, labels, model.locale) : null;
  return page({
    lang: intlLocale(model.locale),
    locale: model.locale,
    title: labels.pageTitle,
    nonce: model.nonce,
    styles: new hbs.SafeString(css),
    script: new hbs.SafeString(script),
    labels,
    otherLang: intlLocale(other),
    otherLanguageUrl: `${model.path}?lang=${other}`,
    langQuery: `?lang=${model.locale}`,
    result,
    error: model.error ? labels[model.error] : null,
  });
}

function resultView(result: VerifyResult, labels: VerifyLabels, locale: Locale) {
  const facts: { label: string; value: string; mono: boolean }[] = [];
  const fact = (label: string, value: string, mono = false) => facts.push({ label, value, mono });
  if (result.issued) {
    const kind = result.kind === 'signed_copy' ? labels.kindSignedCopy : labels.kindQuote;
    fact(labels.document, fill(kind, { number: result.number ?? '', version: result.version ?? '' }));
    if (result.seller) fact(labels.seller, result.seller);
    if (result.status) {
      const key = STATUS_LABELS[result.status];
      fact(labels.status, key ? getTemplate(DEFAULT_TEMPLATE_ID).labels[locale][key] : result.status);
    }
    if (result.signedBy) {
      fact(labels.signedBy, result.signedBy.name);
      fact(labels.signedAt, formatDateTime(result.signedBy.at, locale, 'UTC'));
    }
    if (result.chain) {
      const text =
        result.chain.length === 0 && result.chain.valid
          ? labels.chainNone
          : result.chain.valid
            ? fill(labels.chainValid, { length: result.chain.length })
            : labels.chainInvalid;
      fact(labels.history, text);
    }
    if (result.sealSubject) fact(labels.seal, result.sealSubject);
  }
  fact(labels.fingerprint, result.sha256, true);
  return {
    issued: result.issued,
    title: result.issued ? labels.issuedTitle : labels.unknownTitle,
    text: result.issued ? labels.issuedText : labels.unknownText,
    facts,
  };
}
