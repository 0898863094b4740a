import { describe, expect, it } from 'vitest';
import {
  linesHtml,
  logoHtml,
  paragraphsHtml,
  quoteStyles,
  renderQuoteBody,
  renderQuoteHtml,
} from '#render/html';
import type { Locale } from '#render/i18n';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
import type { Quote } from '#schemas/quotes';
import { line, makeQuote } from './render-fixtures.ts';

const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{{7*7}}'];
const TEMPLATES = ['classic', 'modern'] as const;
const LOCALES: Locale[] = ['en', 'fr'];

/** A quote with hostile text in every field a user can fill and the quote prints. */
function hostileQuote(templateId: string): Quote {
  const [script, img, mustache] = HOSTILE;
  const all = HOSTILE.join(' ');
  return makeQuote({
    templateId,
    intro: all,
    terms: `${script}\n\n${img}\n${mustache}`,
    recipient: { name: all, email: 'x@example.com' },
    client: {
      name: `${script} ${mustache}`,
      companyName: img,
      address: `${img}\n${script}`,
      vatNumber: mustache,
      email: 'x@example.com',
    },
    lines: [line(1, { name: all, description: `${img}\n${script} ${mustache}` })],
    discountPercent: 0,
  });
}

/** `\s` also matches the no-break spaces Intl puts in figures: both sides are normalised alike. */
const squash = (text: string) => text.replace(/\s+/g, ' ');

function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

describe('renderQuoteHtml', () => {
  it.each(TEMPLATES)('escapes hostile names, lines, intro and terms (%s)', (templateId) => {
    // Arrange
    const view = quoteView(hostileQuote(templateId), getTemplate(templateId));

    // Act
    const html = renderQuoteHtml(view);

    // Assert
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<[^>]+\sonerror=/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).toContain('{{7*7}}');
    expect(html).not.toContain('49');
  });

  it.each(TEMPLATES)(
    'prints every figure of the view: lines, tax breakdown and totals (%s)',
    (templateId) => {
      for (const locale of LOCALES) {
        // Arrange
        const view = quoteView(makeQuote({ templateId, locale }), getTemplate(templateId));

        // Act
        const text = visibleText(renderQuoteHtml(view));

        // Assert
        const figures = [
          ...view.lines.flatMap((l) => [l.name, l.unitPrice, l.net, l.quantity]),
          ...view.taxes.flatMap((t) => [t.rate, t.base, t.amount]),
          ...view.totals.flatMap((t) => [t.label, t.amount]),
          view.number,
          view.validity,
          view.issueDate,
        ];
        for (const figure of figures)
          expect(text, `${templateId}/${locale}: ${figure}`).toContain(squash(figure));
      }
    },
  );

  it.each(TEMPLATES)('leaves no English label on a French page (%s)', (templateId) => {
    // Arrange
    const template = getTemplate(templateId);
    const view = quoteView(
      makeQuote({
        templateId,
        locale: 'fr',
        intro: 'Bonjour.',
        terms: 'Paiement à 30 jours.',
        lines: [line(1, { name: 'Prestation', description: 'Détail', discountPercent: 10 })],
      }),
      template,
    );
    const english = Object.entries(template.labels.en)
      .map(([key, en]) => ({
        en: en.replace(/\{\w+\}/g, '').trim(),
        fr: template.labels.fr[key as keyof typeof template.labels.fr],
      }))
      // Some words are French too ("Date", "Version", the "Base" of "Base HT").
      .filter(({ en, fr }) => en.length >= 4 && !fr.includes(en))
      .map(({ en }) => en);

    // Act
    const text = visibleText(renderQuoteHtml(view));

    // Assert
    for (const label of english) expect(text, label).not.toContain(label);
  });

  it('is a self-contained document: inline CSS, no external resource', () => {
    // Arrange
    const view = quoteView(makeQuote({ templateId: 'modern' }), getTemplate('modern'));

    // Act
    const html = renderQuoteHtml(view);

    // Assert
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<main>');
    expect(html).not.toMatch(/<(script|link|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('marks the table up for assistive technology', () => {
    // Act
    const html = renderQuoteHtml(quoteView(makeQuote(), getTemplate('classic')));

    // Assert
    expect(html).toContain('<caption>');
    expect(html).toMatch(/<th scope="col"/);
    expect(html).toMatch(/<th scope="row" class="item">/);
    expect(html).toMatch(/aria-labelledby="quote-title"/);
    expect(html).toMatch(/<svg class="logo[^"]*"[^>]*role="img" aria-label="Atelier Closer SAS"/);
  });

  it('renders the two templates differently', () => {
    // Arrange
    const quote = makeQuote();

    // Act
    const classic = renderQuoteHtml(quoteView({ ...quote, templateId: 'classic' }, getTemplate('classic')));
    const modern = renderQuoteHtml(quoteView({ ...quote, templateId: 'modern' }, getTemplate('modern')));

    // Assert
    expect(classic).toContain('quote--classic');
    expect(classic).toContain('--primary:#1f3a5f');
    expect(modern).toContain('quote--modern');
    expect(modern).toContain('--primary:#0f766e');
  });
});

describe('renderQuoteBody', () => {
  it('renders only the quote article, for pages that bring their own layout', () => {
    // Arrange
    const view = quoteView(makeQuote(), getTemplate('classic'));

    // Act
    const body = renderQuoteBody(view);

    // Assert
    expect(body.trim().startsWith('<article')).toBe(true);
    expect(body).not.toContain('<html');
    expect(quoteStyles(view)).toContain('.quote');
  });
});

describe('html helpers', () => {
  it('escape their arguments themselves', () => {
    expect(linesHtml(['<b>', 'a & b'])).toBe('&lt;b&gt;<br>a &amp; b');
    expect(paragraphsHtml([['<i>x</i>']])).toBe('<p>&lt;i&gt;x&lt;/i&gt;</p>');
    expect(
      logoHtml({ kind: 'monogram', text: '<x>', size: 40, shape: 'circle' }, '"><svg onload=1>'),
    ).not.toMatch(/<x>|"><svg onload/);
    expect(
      logoHtml(
        { kind: 'image', type: 'image/png', base64: '"onerror=alert(1)', size: 40, shape: 'square' },
        'n',
      ),
    ).toContain('src="data:image/png;base64,"');
  });
});
