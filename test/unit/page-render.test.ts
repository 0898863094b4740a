import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeTotals } from '#domain/money';
import { DECLINE_REASONS } from '#domain/quotes';
import { placeholders } from '#render/i18n';
import {
  PAGE_LABEL_KEYS,
  PageModelError,
  pageLabels,
  renderNotFoundPage,
  renderQuotePage,
} from '#render/page';
import type { PageState, QuotePageModel } from '#render/page-model';
import { templatesDir } from '#render/paths';
import { getTemplate } from '#render/templates';
import { type QuoteView, quoteView } from '#render/view';
import type { Line } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const MUSTACHE = '{{7*7}}';
const HOSTILE = [SCRIPT, IMG, MUSTACHE];
const NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U';
const HASH = 'c0ffee'.padEnd(64, '0');
const BASE = '/q/tok3n';

const LINES: Line[] = [
  {
    id: '01JD3M8ZP6V0Q6W9C2R4K50001',
    name: 'Website redesign',
    description: 'Design and build of 8 pages',
    quantity: 1,
    unitPrice: 450_000,
    discountPercent: 10,
    taxRate: 20,
  },
  {
    id: '01JD3M8ZP6V0Q6W9C2R4K50002',
    name: 'Printed manual',
    quantity: 3,
    unitPrice: 1_999,
    discountPercent: 0,
    taxRate: 5.5,
  },
];

/** A sent quote, written out in full: the page must render what the API stores. */
function quote(overrides: Partial<Quote> = {}): Quote {
  const lines = overrides.lines ?? LINES;
  const discountPercent = overrides.discountPercent ?? 5;
  return {
    id: '01JD3M8ZP6V0Q6W9C2R4K5Q001',
    dealId: '01JD3M8ZP6V0Q6W9C2R4K5D001',
    number: 'Q-2026-0042',
    version: 1,
    templateId: 'classic',
    locale: 'en',
    currency: 'EUR',
    status: 'sent',
    validUntil: '2026-12-31',
    intro: 'Thank you for your interest.',
    terms: 'Payment within 30 days.\nLate fee: €40.',
    recipient: { name: 'Jane Buyer', email: 'jane@client.example' },
    seller: { name: 'Atelier Closer SAS', email: 'hello@closer.example', timeZone: 'Europe/Paris' },
    client: { name: 'Jane Buyer', companyName: 'Client Industries', email: 'jane@client.example' },
    changeRequests: [],
    createdAt: '2026-11-20T09:30:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    sentAt: '2026-11-21T10:00:00.000Z',
    documentHash: HASH,
    ...overrides,
    lines,
    discountPercent,
    totals: computeTotals(lines, discountPercent),
  };
}

function viewOf(overrides: Partial<Quote> = {}): QuoteView {
  return quoteView(quote(overrides), getTemplate('classic'));
}

function page(state: PageState, extra: Partial<QuotePageModel> = {}, view = viewOf()): string {
  return renderQuotePage({
    state,
    view,
    basePath: BASE,
    nonce: NONCE,
    documentHash: HASH,
    pdfUrl: `${BASE}/pdf`,
    ...extra,
  });
}

/** The page without the inline script and style, whose code is not markup. */
function markup(html: string): string {
  return html
    .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '<script></script>')
    .replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, '<style></style>');
}

function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(pattern)].length;
}

const FINAL_MODELS: Record<Exclude<PageState, 'open'>, Partial<QuotePageModel>> = {
  signed: {
    signature: { name: 'Jane Buyer', at: '2026-11-22T10:15:00.000Z', method: 'drawn', documentHash: HASH },
  },
  declined: { decline: { reason: 'price', message: 'Too expensive.', at: '2026-11-22T10:15:00.000Z' } },
  changes_requested: {
    changeRequest: { message: 'Two more pages, please.', at: '2026-11-22T10:15:00.000Z' },
  },
  expired: { contact: { name: 'Alice Martin', email: 'alice@closer.example' } },
  withdrawn: { contact: { name: 'Alice Martin', email: 'alice@closer.example' } },
  superseded: {},
};

describe('renderQuotePage', () => {
  it('renders an open quote as a complete document: the quote, its terms, then the three actions', () => {
    // Arrange
    const view = viewOf();

    // Act
    const html = page('open', {}, view);

    // Assert
    expect(html.startsWith('<!doctype html>\n<html lang="en-GB">')).toBe(true);
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).toContain('<title>Quote Q-2026-0042 · Atelier Closer SAS</title>');
    for (const text of ['Atelier Closer SAS', 'Client Industries', 'Website redesign', 'Printed manual']) {
      expect(html).toContain(text);
    }
    expect(html).toContain(view.total);
    expect(html).toContain('VAT breakdown');
    expect(html).toContain(view.validity);
    const terms = html.indexOf('Payment within 30 days.');
    const signForm = html.indexOf('<form id="sign-form"');
    expect(terms).toBeGreaterThan(0);
    expect(signForm).toBeGreaterThan(terms);
    expect(html).toContain(`href="${BASE}/pdf" download>Download the PDF</a>`);
    expect(html).toContain(`<form id="sign-form" method="post" action="${BASE}/sign"`);
    expect(html).toContain(`<form id="changes-form" method="post" action="${BASE}/changes"`);
    expect(html).toContain(`<form id="decline-form" method="post" action="${BASE}/decline"`);
  });

  it('offers signing by typed name with required consent, an optional email and an optional drawing', () => {
    // Act
    const html = page('open');

    // Assert
    expect(html).toMatch(/<input class="input" id="sign-name" name="name" type="text"[^>]* required/);
    expect(html).toMatch(
      /<input class="input" id="sign-email" name="email" type="email"(?![^>]*required)[^>]*>/,
    );
    expect(html).toMatch(/<input id="sign-consent" name="consent" type="checkbox" value="on" required/);
    expect(html).toContain('<label for="sign-consent">I agree to sign this quote electronically</label>');
    // Hidden until the script runs, and disabled until something is drawn: no JS, no drawing sent.
    expect(html).toContain('<div class="field pad" id="sign-pad" data-pad hidden>');
    expect(html).toContain('<input type="hidden" name="signature" value="" disabled>');
    expect(html).toMatch(
      /<canvas role="img" aria-labelledby="sign-pad-label" aria-describedby="sign-pad-hint">/,
    );
    expect(html).toContain(
      '<button class="button button--secondary button--small" type="button" data-pad-clear>',
    );
    expect(html).toContain(`<input type="hidden" name="documentHash" value="${HASH}">`);
  });

  it('offers a required change request of at most 5000 characters and a decline with the fixed reasons', () => {
    // Act
    const html = page('open');

    // Assert
    expect(html).toMatch(
      /<textarea class="input" id="changes-message" name="message" rows="6" required maxlength="5000"/,
    );
    const reasons = [
      ...html.matchAll(/<input id="[^"]+" name="reason" type="radio" value="([^"]+)" required/g),
    ].map((m) => m[1]);
    expect(reasons).toEqual([...DECLINE_REASONS]);
    expect(html).toContain('The price is too high');
    expect(html).toMatch(
      /<textarea class="input" id="decline-message" name="message" rows="4" maxlength="5000">/,
    );
  });

  it('opens the sign disclosure by default and keeps the three in one exclusive group', () => {
    // Act
    const html = page('open');

    // Assert
    const details = [...html.matchAll(/<details class="action" name="answer"( open)?>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(details).toEqual([' open', '', '']);
  });

  it('renders in French with French labels and the French date format', () => {
    // Act
    const html = page('open', {}, viewOf({ locale: 'fr' }));

    // Assert
    expect(html.startsWith('<!doctype html>\n<html lang="fr-FR">')).toBe(true);
    expect(html).toContain('<summary>Signer le devis</summary>');
    expect(html).toContain('J’accepte de signer ce devis électroniquement');
    expect(html).toContain('Le prix est trop élevé');
    expect(html).toContain('31 décembre 2026');
    expect(html).not.toContain('Sign the quote');
  });

  it('carries the nonce on its only script and only style, with no inline handler or style attribute', () => {
    // Act
    const html = page('open');

    // Assert
    expect(count(html, /<script\b/g)).toBe(1);
    expect(html).toContain(`<script nonce="${NONCE}">`);
    expect(count(html, /<style\b/g)).toBe(1);
    expect(html).toContain(`<style nonce="${NONCE}">`);
    expect(html).toContain('SignaturePad');
    const tags = markup(html);
    expect(tags).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(tags).not.toMatch(/<[a-z][^>]*\sstyle\s*=/i);
    expect(tags).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('sourceMappingURL');
  });

  it.each(Object.entries(FINAL_MODELS))(
    'renders the %s state with no form, no script and no action',
    (state, extra) => {
      // Act
      const html = page(state as PageState, extra);

      // Assert
      expect(html).not.toContain('<form');
      expect(html).not.toContain('<details');
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<canvas');
      expect(html).not.toMatch(/<(input|textarea|select|button)\b/);
    },
  );

  it('shows a signed quote: who signed, when, the document hash and the signed PDF', () => {
    // Act
    const html = page('signed', FINAL_MODELS.signed);

    // Assert
    expect(html).toContain('This quote was signed by Jane Buyer on 22 November 2026 at 11:15:00 CET.');
    expect(html).toContain('<dt>Signed by</dt><dd>Jane Buyer</dd>');
    expect(html).toContain('<dt>Signed on</dt><dd>22 November 2026 at 11:15:00 CET</dd>');
    expect(html).toContain('Drawn signature, typed name and explicit consent');
    expect(html).toContain(`<dd class="mono">${HASH}</dd>`);
    expect(html).toContain(`<a class="button" href="${BASE}/pdf" download>Download the signed PDF</a>`);
  });

  it('shows a declined quote with its translated reason and the customer message', () => {
    // Act
    const html = page('declined', FINAL_MODELS.declined);

    // Assert
    expect(html).toContain('This quote was declined on 22 November 2026 at 11:15:00 CET.');
    expect(html).toContain('<dt>Reason</dt><dd>The price is too high</dd>');
    expect(html).toContain('<blockquote><p>Too expensive.</p></blockquote>');
  });

  it('shows a change request as received, with the new version to come from the seller', () => {
    // Act
    const html = page('changes_requested', FINAL_MODELS.changes_requested);

    // Assert
    expect(html).toContain(
      'Your request for changes was received on 22 November 2026 at 11:15:00 CET. Atelier Closer SAS will send you a new version of the quote.',
    );
    expect(html).toContain('<blockquote><p>Two more pages, please.</p></blockquote>');
  });

  it('shows an expired quote with its validity date and the rep to contact', () => {
    // Act
    const html = page('expired', FINAL_MODELS.expired);

    // Assert
    expect(html).toContain('This quote was valid until 31 December 2026 and has expired.');
    expect(html).toContain('To get a new quote, contact Alice Martin.');
    expect(html).toContain('<a href="mailto:alice@closer.example">alice@closer.example</a>');
  });

  it('shows a withdrawn quote as withdrawn by the seller, with the rep to contact', () => {
    // Act
    const html = page('withdrawn', FINAL_MODELS.withdrawn);

    // Assert
    expect(html).toContain('Atelier Closer SAS withdrew this quote: it can no longer be signed.');
    expect(html).toContain('To get a new quote, contact Alice Martin.');
  });

  it('reveals nothing of a superseded quote but that a newer version was sent', () => {
    // Arrange
    const view = viewOf();

    // Act
    const html = page('superseded', {}, view);

    // Assert
    expect(html).toContain('<h1 id="superseded-title">A newer version of this quote was sent to you</h1>');
    expect(html).toContain('Use the link in the latest email you received.');
    const visible = markup(html);
    for (const secret of [
      view.number,
      'Website redesign',
      'Printed manual',
      view.total,
      'Client Industries',
      'Jane Buyer',
      'Atelier Closer SAS',
      'Payment within 30 days',
      '/pdf',
    ]) {
      expect(visible).not.toContain(secret);
    }
    expect(html).not.toContain('<article');
  });

  it.each([
    ['sign', 'Thank you: your signature was recorded.', 'signed'],
    ['changes', 'Thank you: your request for changes was sent.', 'changes_requested'],
    ['decline', 'Your answer was recorded: you declined this quote.', 'declined'],
  ] as const)('confirms the %s outcome in a status banner', (action, text, state) => {
    // Act
    const html = page(state, { ...FINAL_MODELS[state], outcome: { action, at: '2026-11-22T10:15:00.000Z' } });

    // Assert
    expect(html).toContain(`<div class="notice notice--success" role="status">`);
    expect(html).toContain(`<p class="notice__lead">${text}</p>`);
  });

  it('explains a lost race and shows the state that won', () => {
    // Act
    const html = page('signed', { ...FINAL_MODELS.signed, outcome: { action: 'conflict' } });

    // Assert
    expect(html).toContain('<div class="notice notice--warning" role="status">');
    expect(html).toContain(
      'Your answer was not recorded: this quote had already been answered or closed. Its status now: Signed.',
    );
    expect(html).toContain('This quote was signed by Jane Buyer');
    expect(html).not.toContain('<form');
  });

  it('reopens a failed form with its errors next to the fields and the typed values kept', () => {
    // Arrange
    const form = {
      action: 'sign' as const,
      errors: [
        { field: 'consent', message: 'Invalid input: expected true' },
        { field: 'email', message: 'Invalid email address' },
      ],
      values: { name: 'Jane Buyer', email: 'not-an-email', consent: '' },
    };

    // Act
    const html = page('open', { form });

    // Assert
    expect(html).toMatch(
      /<input class="input" id="sign-email"[^>]* value="not-an-email" aria-describedby="sign-email-hint sign-email-error" aria-invalid="true">/,
    );
    expect(html).toContain(
      '<span class="field-error" id="sign-email-error">Enter a valid email address, or leave it empty.</span>',
    );
    expect(html).toMatch(
      /<input id="sign-consent"[^>]* aria-describedby="sign-consent-hint sign-consent-error" aria-invalid="true" autofocus>/,
    );
    expect(html).toContain(
      '<span class="field-error" id="sign-consent-error">Tick the box to agree to sign electronically.</span>',
    );
    expect(html).toMatch(
      /<input class="input" id="sign-name"[^>]* value="Jane Buyer" aria-describedby="sign-name-hint">/,
    );
    expect(html).toContain(
      '<li><a href="#sign-consent">Tick the box to agree to sign electronically.</a></li>',
    );
    expect(count(html, /autofocus/g)).toBe(1);
  });

  it('reopens the decline form, not the sign form, when the decline failed', () => {
    // Arrange
    const form = {
      action: 'decline' as const,
      errors: [{ field: 'reason', message: 'Invalid option' }],
      values: { reason: 'nonsense', message: 'Kept message' },
    };

    // Act
    const html = page('open', { form });

    // Assert
    const details = [...html.matchAll(/<details class="action" name="answer"( open)?>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(details).toEqual(['', '', ' open']);
    expect(html).toContain(
      '<fieldset class="field" id="decline-reason" aria-describedby="decline-reason-error">',
    );
    expect(html).toContain('>Kept message</textarea>');
    expect(html).toMatch(/id="decline-reason-price"[^>]* aria-invalid="true" autofocus>/);
  });

  it('puts the focus on the error summary when the error belongs to no visible field', () => {
    // Arrange
    const form = {
      action: 'sign' as const,
      errors: [
        { field: 'documentHash', message: 'is not the current document' },
        { field: 'somethingNew', message: 'the server says so' },
      ],
      values: { name: 'Jane' },
    };

    // Act
    const html = page('open', { form });

    // Assert
    expect(html).toContain(
      '<div class="error-summary" id="sign-errors" role="alert" tabindex="-1" autofocus>',
    );
    expect(html).toContain(
      '<li>This quote changed since you opened it: reload the page and read it again.</li>',
    );
    expect(html).toContain('<li>the server says so</li>');
  });

  it('prints hostile text from the quote, the customer and the form as inert text', () => {
    // Arrange
    const all = HOSTILE.join(' ');
    const view = viewOf({
      intro: all,
      terms: `${SCRIPT}\n\n${IMG}\n${MUSTACHE}`,
      recipient: { name: all, email: 'x@example.com' },
      client: { name: all, companyName: all, email: 'x@example.com' },
      lines: [{ ...(LINES[0] as Line), name: all, description: all }],
    });
    const pages = [
      page(
        'open',
        {
          form: { action: 'changes', errors: [{ field: 'message', message: all }], values: { message: all } },
        },
        view,
      ),
      page(
        'open',
        {
          form: {
            action: 'sign',
            errors: [{ field: 'other', message: all }],
            values: { name: all, email: all },
          },
        },
        view,
      ),
      page(
        'signed',
        { signature: { name: all, at: '2026-11-22T10:15:00.000Z', method: 'typed', documentHash: HASH } },
        view,
      ),
      page('declined', { decline: { reason: 'other', message: all, at: '2026-11-22T10:15:00.000Z' } }, view),
      page('changes_requested', { changeRequest: { message: all, at: '2026-11-22T10:15:00.000Z' } }, view),
      page('expired', { contact: { name: all } }, view),
    ];

    for (const html of pages) {
      // Assert
      const tags = markup(html);
      expect(tags).not.toContain('<script>alert(1)</script>');
      expect(tags).not.toContain('<img');
      expect(tags).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(tags).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(tags).toContain(MUSTACHE);
    }
  });

  it('refuses a model without a usable nonce or with a link that is not a path or http(s) URL', () => {
    expect(() => page('open', { nonce: '' })).toThrow(PageModelError);
    expect(() => page('open', { nonce: 'x" onload="alert(1)' })).toThrow(PageModelError);
    expect(() => page('open', { pdfUrl: 'javascript:alert(1)' })).toThrow(PageModelError);
    expect(() => page('open', { basePath: '//evil.example/q' })).toThrow(PageModelError);
  });

  it('prints a padded base64 nonce as an attribute the browser decodes back to the same value', () => {
    // Act
    const html = page('open', { nonce: 'bm9uY2Utbm9uY2Utbm9uY2U=' });

    // Assert
    expect(html).toContain('<script nonce="bm9uY2Utbm9uY2Utbm9uY2U&#x3D;">');
  });
});

describe('renderNotFoundPage', () => {
  it('says the link is not valid in both languages, the given one first, and nothing else', () => {
    // Act
    const html = renderNotFoundPage({ locale: 'fr', nonce: NONCE });

    // Assert
    expect(html.startsWith('<!doctype html>\n<html lang="fr-FR">')).toBe(true);
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    const fr = html.indexOf('Ce lien n’est pas valide');
    const en = html.indexOf('This link is not valid');
    expect(fr).toBeGreaterThan(0);
    expect(en).toBeGreaterThan(fr);
    expect(html).toContain('<section class="notice notice--info" lang="en-GB"');
    expect(html).toContain(`<style nonce="${NONCE}">`);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<form');
  });

  it('leaves the nonce out when the caller has none', () => {
    // Act
    const html = renderNotFoundPage({ locale: 'en' });

    // Assert
    expect(html).toContain('<style>');
    expect(html.indexOf('This link is not valid')).toBeLessThan(html.indexOf('Ce lien n’est pas valide'));
  });
});

describe('page labels', () => {
  const read = (locale: string) =>
    JSON.parse(readFileSync(path.join(templatesDir(), 'page', `${locale}.json`), 'utf8')) as Record<
      string,
      unknown
    >;

  it('exist, non-empty, in both locales, with exactly the keys the renderer knows', () => {
    // Arrange
    const en = read('en');
    const fr = read('fr');

    // Assert
    expect(Object.keys(en).sort()).toEqual([...PAGE_LABEL_KEYS].sort());
    expect(Object.keys(fr).sort()).toEqual([...PAGE_LABEL_KEYS].sort());
    for (const key of PAGE_LABEL_KEYS) {
      expect(typeof en[key] === 'string' && en[key] !== '', `en.${key}`).toBe(true);
      expect(typeof fr[key] === 'string' && fr[key] !== '', `fr.${key}`).toBe(true);
    }
  });

  it('keep the same placeholders in both locales', () => {
    // Arrange
    const en = pageLabels('en');
    const fr = pageLabels('fr');

    // Assert
    for (const key of PAGE_LABEL_KEYS) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('are all used by the page templates or the renderer', () => {
    // Arrange
    const sources = ['quote.hbs', 'not-found.hbs', 'error-summary.hbs']
      .map((file) => readFileSync(path.join(templatesDir(), 'page', file), 'utf8'))
      .join('\n');
    // The list of keys itself does not count as a use.
    const renderer = readFileSync(path.resolve('functions/render/page.ts'), 'utf8').replace(
      /PAGE_LABEL_KEYS = \[[\s\S]*?\] as const/,
      '',
    );

    // Assert
    const unused = PAGE_LABEL_KEYS.filter(
      (key) =>
        !sources.includes(`labels.${key}`) &&
        !new RegExp(`\\.${key}\\b`).test(renderer) &&
        !renderer.includes(`'${key}'`),
    );
    expect(unused).toEqual([]);
  });
});
