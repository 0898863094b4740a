import { describe, expect, it } from 'vitest';
import {
  defaultQuoteEmail,
  EmailTemplateError,
  interpolate,
  NOTICE_KINDS,
  renderQuoteEmail,
  renderRepNotice,
  renderSignedCopyEmail,
} from '#render/email';
import type { Locale } from '#render/i18n';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
import { makeQuote } from './render-fixtures.ts';

const URL = 'https://quotes.example.com/q/Zm9vYmFy-_x?a=1&b=2';
const HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}}';
const LOCALES: Locale[] = ['en', 'fr'];

const squash = (text: string) => text.replace(/\s+/g, ' ');

function view(locale: Locale = 'en', templateId = 'classic') {
  return quoteView(makeQuote({ locale, templateId }), getTemplate(templateId));
}

describe('renderQuoteEmail', () => {
  it.each(LOCALES)(
    'gives a subject, an HTML and a text part with the link, total and validity (%s)',
    (locale) => {
      // Arrange
      const v = view(locale);

      // Act
      const email = renderQuoteEmail(v, { url: URL });

      // Assert
      expect(email.subject).toContain(v.number);
      expect(email.subject).toContain('Atelier Closer SAS');
      for (const part of [email.html, email.text]) {
        expect(squash(part)).toContain(squash(v.total));
        expect(squash(part)).toContain(squash(v.validUntil));
        expect(part).toContain(v.recipient.name);
      }
      expect(email.text).toContain(URL);
      expect(email.html).toContain('href="https://quotes.example.com/q/Zm9vYmFy-_x?a&#x3D;1&amp;b&#x3D;2"');
      expect(email.html).toContain(`<html lang="${v.lang}">`);
    },
  );

  it('escapes hostile names in the HTML part', () => {
    // Arrange
    const quote = makeQuote({ recipient: { name: HOSTILE, email: 'x@example.com' } });
    const v = quoteView(
      { ...quote, client: { ...quote.client, name: HOSTILE, companyName: HOSTILE } },
      getTemplate('modern'),
    );

    // Act
    const email = renderQuoteEmail(v, { url: URL });

    // Assert
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.html).toContain('{{7*7}}');
    expect(email.html).not.toContain('49');
  });

  it("prints the rep's message as written: placeholders it knows are filled, nothing is evaluated", () => {
    // Arrange
    const v = view('en');

    // Act
    const email = renderQuoteEmail(v, {
      url: URL,
      subject: 'Your quote {{number}}\r\nBcc: victim@example.com',
      message: `Hi,\n\nQuote {{number}} as promised. ${HOSTILE} {{constructor}}`,
    });

    // Assert
    expect(email.subject).toBe('Your quote Q-2026-0042 Bcc: victim@example.com');
    expect(email.text).toContain('Quote Q-2026-0042 as promised.');
    expect(email.text).toContain('{{7*7}} {{constructor}}');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script');
  });

  it('refuses a link that is not a web URL', () => {
    expect(() => renderQuoteEmail(view(), { url: 'javascript:alert(1)' })).toThrow(EmailTemplateError);
  });

  it('offers the default subject and message filled in, for the send dialog', () => {
    // Act
    const { subject, message } = defaultQuoteEmail(view('fr'));

    // Assert
    expect(subject).toBe('Devis Q-2026-0042 – Atelier Closer SAS');
    expect(message).toContain('Bonjour Jane Buyer,');
    expect(message).not.toMatch(/\{\{/);
  });
});

describe('renderSignedCopyEmail', () => {
  it.each(LOCALES)('thanks the signer and links the signed copy (%s)', (locale) => {
    // Act
    const email = renderSignedCopyEmail(view(locale), {
      url: 'https://quotes.example.com/q/abc/pdf',
      signerName: 'Łukasz Wróbel-Żółć',
      signedAt: '2026-11-22T08:15:00.000Z',
    });

    // Assert
    expect(email.subject).toContain('Q-2026-0042');
    expect(email.text).toContain('Łukasz Wróbel-Żółć');
    expect(email.text).toContain('https://quotes.example.com/q/abc/pdf');
    expect(email.text).toMatch(/22 (November|novembre) 2026/);
    expect(email.html).toContain('href="https://quotes.example.com/q/abc/pdf"');
  });
});

describe('renderRepNotice', () => {
  it.each(LOCALES)('renders every notice kind with no placeholder left (%s)', (locale) => {
    for (const kind of NOTICE_KINDS) {
      // Act
      const email = renderRepNotice(view('en'), {
        kind,
        at: '2026-11-22T08:15:00.000Z',
        url: 'https://app.example.com/deals/01JD',
        signerName: 'Jane Buyer',
        reason: 'Too expensive',
        locale,
      });

      // Assert
      expect(email.subject, kind).toContain('Q-2026-0042');
      expect(`${email.subject}${email.text}${email.html}`, kind).not.toMatch(/\{\{\w+\}\}/);
      expect(email.text, kind).toContain('https://app.example.com/deals/01JD');
      expect(email.html, kind).toContain(`lang="${locale === 'fr' ? 'fr-FR' : 'en-GB'}"`);
    }
  });

  it("quotes the customer's message, escaped", () => {
    // Act
    const email = renderRepNotice(view('en'), {
      kind: 'changes_requested',
      at: '2026-11-22T08:15:00.000Z',
      url: 'https://app.example.com/deals/01JD',
      message: `Cheaper please.\n${HOSTILE}`,
    });

    // Assert
    expect(email.text).toContain('> Cheaper please.');
    expect(email.html).toContain('<blockquote');
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain('{{7*7}}');
  });

  it("reprints figures in the rep's language when it differs from the quote's", () => {
    // Act
    const email = renderRepNotice(view('fr'), {
      kind: 'signed',
      at: '2026-11-22T08:15:00.000Z',
      url: 'https://app.example.com/deals/01JD',
      signerName: 'Jane Buyer',
      locale: 'en',
    });

    // Assert
    expect(email.text).toContain('Total: €6,278.67.');
  });
});

describe('interpolate', () => {
  it('fills known placeholders only and never evaluates anything', () => {
    expect(interpolate('{{a}} {{ a }} {{b}} {{7*7}} {{__proto__}}', { a: '{{b}}' })).toBe(
      '{{b}} {{b}} {{b}} {{7*7}} {{__proto__}}',
    );
  });

  it.each(LOCALES)('says that a closed deal stayed as the rep left it (%s)', (locale) => {
    // Arrange
    const notice = {
      kind: 'declined' as const,
      at: '2026-11-22T08:15:00.000Z',
      url: 'https://x/deals/1',
      locale,
    };

    // Act
    const won = renderRepNotice(view('en'), { ...notice, dealStays: 'won' });
    const lost = renderRepNotice(view('en'), { ...notice, dealStays: 'lost' });
    const open = renderRepNotice(view('en'), notice);

    // Assert
    const [wonLine, lostLine] =
      locale === 'fr'
        ? ['L’affaire était déjà gagnée', 'L’affaire était déjà perdue']
        : ['The deal was already won', 'The deal was already lost'];
    expect(won.text).toContain(wonLine);
    expect(won.html).toContain(wonLine);
    expect(lost.text).toContain(lostLine);
    expect(open.text).not.toContain(wonLine);
    expect(open.text).not.toContain(lostLine);
  });
});
