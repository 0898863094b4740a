import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import type { Locale } from '#render/i18n';
import { type Certificate, RenderError, renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
import type { Quote } from '#schemas/quotes';
import { LOGO_JPEG, logoPngWithAlpha } from '#test/images';
import { pdfImages, qpdfCheck } from '#test/pdf-tools';
import { hostileSignatures, SIGNATURE } from '#test/signature';
import { line, makeQuote, manyLines } from './render-fixtures.ts';

const TEMPLATES = ['classic', 'modern'] as const;
const LOCALES: Locale[] = ['en', 'fr'];

/** Text extraction renders no-break spaces as spaces (or drops letter spacing): compare words. */
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

async function extract(pdf: Buffer): Promise<{ pages: string[]; text: string }> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    const pages = result.pages.map((p) => squash(p.text));
    return { pages, text: pages.join(' ') };
  } finally {
    await parser.destroy();
  }
}

function render(quote: Quote, certificate?: Certificate): Promise<Buffer> {
  const view = quoteView(quote, getTemplate(quote.templateId));
  return renderQuotePdf(view, certificate === undefined ? {} : { certificate });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const CERTIFICATE: Certificate = {
  signerName: 'Łukasz Wróbel-Żółć',
  signerEmail: 'lukasz@client.example',
  signedAt: '2026-11-22T08:15:07.000Z',
  ip: '203.0.113.7',
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  documentHash: '3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed',
  method: 'typed',
  events: [
    { at: '2026-11-21T10:00:00.000Z', type: 'quote.sent', actor: { type: 'user', name: 'Rep One' } },
    { at: '2026-11-21T10:05:00.000Z', type: 'quote.viewed', actor: { type: 'customer' } },
    {
      at: '2026-11-22T08:15:07.000Z',
      type: 'quote.signed',
      actor: { type: 'customer', name: 'Łukasz Wróbel-Żółć' },
    },
  ],
};

describe('renderQuotePdf', () => {
  it.each(TEMPLATES)('prints the number, line names and totals in both locales (%s)', async (templateId) => {
    for (const locale of LOCALES) {
      // Arrange
      const quote = makeQuote({ templateId, locale });
      const view = quoteView(quote, getTemplate(templateId));

      // Act
      const { text, pages } = await extract(await renderQuotePdf(view));

      // Assert
      expect(pages).toHaveLength(1);
      const expected = [
        view.number,
        ...view.lines.flatMap((l) => [l.name, l.net, l.unitPrice]),
        ...view.taxes.flatMap((t) => [t.base, t.amount]),
        ...view.totals.flatMap((t) => [t.label, t.amount]),
        view.validity,
        view.labels.taxBreakdown,
        view.client.name,
        fill1(view.labels.page),
      ];
      for (const s of expected) expect(text, `${templateId}/${locale}: ${s}`).toContain(squash(s));
    }
  });

  it('paginates a 120-line quote, repeating the table header and numbering the pages', async () => {
    for (const templateId of TEMPLATES) {
      // Arrange
      const quote = makeQuote({ templateId, lines: manyLines(120) });
      const labels = getTemplate(templateId).labels.en;

      // Act
      const { pages, text } = await extract(await render(quote));

      // Assert
      expect(pages.length, templateId).toBeGreaterThan(1);
      pages.forEach((page, i) => {
        expect(page, `${templateId} page ${i + 1}`).toContain(`Page ${i + 1} / ${pages.length}`);
      });
      const withLines = pages.filter((page) => /Line item number \d+/.test(page));
      expect(withLines.length).toBeGreaterThan(1);
      for (const page of withLines) {
        expect(page).toContain(
          `${labels.unitPrice} ${labels.lineDiscount} ${labels.taxRate} ${labels.lineNet}`,
        );
      }
      for (let n = 1; n <= 120; n += 1) expect(text).toContain(`Line item number ${n} `);
      expect(pages.at(-1)).toContain(
        squash(quoteView(quote, getTemplate(templateId)).totals.at(-1)?.amount ?? '?'),
      );
    }
  });

  it('draws a PNG logo with its transparency as a soft mask and a JPEG logo as it is, fitted in the logo box', async () => {
    for (const [type, bytes] of [
      ['image/png', logoPngWithAlpha()],
      ['image/jpeg', LOGO_JPEG],
    ] as const) {
      // Arrange
      const plain = quoteView(makeQuote(), getTemplate('classic'));
      const logo = { ...plain.theme.logo, kind: 'image' as const, type, base64: bytes.toString('base64') };
      const view = { ...plain, theme: { ...plain.theme, logo } };

      // Act
      const pdf = await renderQuotePdf(view);

      // Assert
      expect(qpdfCheck(pdf).ok, type).toBe(true);
      const images = pdfImages(pdf);
      const drawn = images.filter((image) => image.type === 'image');
      expect(drawn, type).toHaveLength(1);
      const [image] = drawn;
      // The wider side fills the logo box: so many pixels over so many points.
      const widthPx = type === 'image/png' ? 30 : 24;
      expect(image?.width).toBe(widthPx);
      expect(image?.xPpi).toBeCloseTo((widthPx / logo.size) * 72, -0.5);
      if (type === 'image/png') {
        expect(image?.encoding).toBe('image');
        expect(images.filter((i) => i.type === 'smask').map((i) => [i.width, i.height])).toEqual([[30, 20]]);
      } else {
        expect(image?.encoding).toBe('jpeg');
        expect(pdf.includes(LOGO_JPEG)).toBe(true);
        expect(images.some((i) => i.type === 'smask')).toBe(false);
      }
    }
  });

  it('fails with a RenderError for a damaged logo', async () => {
    // Arrange
    const plain = quoteView(makeQuote(), getTemplate('classic'));
    const damaged = Buffer.from(logoPngWithAlpha());
    damaged[40] = (damaged[40] ?? 0) ^ 0xff;
    const views = [damaged, LOGO_JPEG.subarray(0, 20)].map((bytes, i) => ({
      ...plain,
      theme: {
        ...plain.theme,
        logo: {
          ...plain.theme.logo,
          kind: 'image' as const,
          type: i === 0 ? ('image/png' as const) : ('image/jpeg' as const),
          base64: bytes.toString('base64'),
        },
      },
    }));

    // Act + Assert
    for (const view of views) await expect(renderQuotePdf(view)).rejects.toBeInstanceOf(RenderError);
  });

  it('gives byte-identical PDFs for the same quote', async () => {
    // Arrange
    const quote = makeQuote({ templateId: 'modern', lines: manyLines(30) });

    // Act
    const first = await render(quote);
    const second = await render(structuredClone(quote));

    // Assert
    expect(sha256(second)).toBe(sha256(first));
    expect(second.equals(first)).toBe(true);
  });

  it('does not change as the sent quote is viewed and signed (its hash stays valid)', async () => {
    // Arrange
    const sent = makeQuote({
      status: 'sent',
      seller: { name: 'Atelier Closer SAS', timeZone: 'Europe/Paris' },
    });
    const signed: Quote = {
      ...sent,
      status: 'signed',
      updatedAt: '2026-11-22T08:15:07.000Z',
      viewedAt: '2026-11-21T10:05:00.000Z',
      signedAt: '2026-11-22T08:15:07.000Z',
      documentHash: CERTIFICATE.documentHash,
      signature: {
        name: 'Jane Buyer',
        method: 'typed',
        consent: true,
        at: '2026-11-22T08:15:07.000Z',
        ip: '203.0.113.7',
        userAgent: 'test',
        documentHash: CERTIFICATE.documentHash,
      },
    };

    // Act
    const before = await render(sent);
    const after = await render(signed);

    // Assert
    expect(sha256(after)).toBe(sha256(before));
  });

  it('gives the same bytes in a fresh process running in another time zone', async () => {
    // Arrange
    const here = sha256(await render(makeQuote({ templateId: 'classic', locale: 'fr' })));
    const script = [
      "import { createHash } from 'node:crypto';",
      "import { getTemplate } from '#render/templates';",
      "import { quoteView } from '#render/view';",
      "import { renderQuotePdf } from '#render/pdf';",
      "import { makeQuote } from './test/unit/render-fixtures.ts';",
      "const pdf = await renderQuotePdf(quoteView(makeQuote({ templateId: 'classic', locale: 'fr' }), getTemplate('classic')));",
      "process.stdout.write(createHash('sha256').update(pdf).digest('hex'));",
    ].join('\n');

    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { cwd: process.cwd(), env: { ...process.env, TZ: 'Pacific/Kiritimati', LANG: 'C' } },
    );

    // Assert
    expect(stdout.trim()).toBe(here);
  });

  it('takes its dates and trailer ID from the quote, never from the clock', async () => {
    // Arrange
    const quote = makeQuote({ createdAt: '2026-11-20T09:30:00.000Z', sentAt: '2026-11-21T10:00:05.000Z' });
    const view = quoteView(quote, getTemplate('classic'));

    // Act
    const raw = (await renderQuotePdf(view)).toString('latin1');

    // Assert
    expect(raw).toContain('(D:20261120093000Z)');
    expect(raw).toContain('(D:20261121100005Z)');
    expect(raw).toContain(`/ID [<${view.document.fileId}> <${view.document.fileId}>]`);
  });

  it("embeds only the template's DejaVu fonts, no standard PDF font", async () => {
    // Act
    const raw = (await render(makeQuote({ templateId: 'classic' }))).toString('latin1');

    // Assert
    const baseFonts = [...raw.matchAll(/\/BaseFont \/([^\s/>]+)/g)].map((m) => m[1] ?? '');
    expect(baseFonts.length).toBeGreaterThan(0);
    for (const name of baseFonts) expect(name).toMatch(/^[A-Z]{6}\+DejaVu(Sans|Serif)/);
    expect(raw).not.toContain('Helvetica');
  });

  it('keeps Polish, Cyrillic, € and ß through text extraction', async () => {
    // Arrange
    const quote = makeQuote({
      templateId: 'modern',
      recipient: { name: 'Юлия Смирнова', email: 'julia@example.com' },
      client: { name: 'Юлия Смирнова', companyName: 'Łukasz Wróbel-Żółć', email: 'lukasz@example.com' },
      lines: [line(1, { name: 'Straße – Gebühr €', description: 'Доставка, ąęśćńó' })],
      discountPercent: 0,
    });

    // Act
    const { text } = await extract(await render(quote));

    // Assert
    for (const s of ['Łukasz Wróbel-Żółć', 'Юлия Смирнова', 'Straße – Gebühr €', 'Доставка, ąęśćńó']) {
      expect(text).toContain(s);
    }
  });

  it('lays out extreme content without losing any of it', async () => {
    // Arrange: no line at all, then a description taller than a page, an unbreakable word and long terms.
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const unbreakable = `${'x'.repeat(299)}END`;
    const empty = makeQuote({
      lines: [],
      discountPercent: 0,
      currency: 'JPY',
      intro: undefined,
      terms: undefined,
    });
    const huge = makeQuote({
      templateId: 'modern',
      lines: [
        line(1, { name: unbreakable, description: words.slice(0, 5000) }),
        line(2, { name: 'After the giant' }),
      ],
      terms: words.slice(0, 5000),
    });

    // Act
    const emptyText = await extract(await render(empty));
    const hugeText = await extract(await render(huge));

    // Assert
    expect(emptyText.pages).toHaveLength(1);
    expect(emptyText.text).toContain(quoteView(empty, getTemplate('classic')).total);
    expect(hugeText.pages.length).toBeGreaterThan(2);
    const joined = hugeText.text.replace(/ /g, '');
    expect(joined).toContain(unbreakable);
    expect(hugeText.text).toContain('word0 word1');
    expect(hugeText.text).toContain(words.slice(0, 5000).split(' ').at(-2));
    expect(hugeText.text).toContain('After the giant');
  });

  it('prints hostile text literally', async () => {
    // Arrange
    const quote = makeQuote({ intro: '<script>alert(1)</script> {{7*7}}', discountPercent: 0 });

    // Act
    const { text } = await extract(await render(quote));

    // Assert
    expect(text).toContain('<script>alert(1)</script> {{7*7}}');
  });

  it('appends a certificate page with the signer, the hash and the history', async () => {
    // Arrange
    const quote = makeQuote({ templateId: 'classic', locale: 'en' });

    // Act
    const unsigned = await extract(await render(quote));
    const signed = await extract(await render(quote, CERTIFICATE));

    // Assert
    expect(signed.pages).toHaveLength(unsigned.pages.length + 1);
    const last = signed.pages.at(-1) ?? '';
    expect(last).toContain('Signature certificate');
    expect(last).toContain('Łukasz Wróbel-Żółć');
    expect(last).toContain('lukasz@client.example');
    expect(last).toContain(CERTIFICATE.documentHash);
    expect(last).toContain('203.0.113.7');
    expect(last).toContain('22 November 2026 at 08:15:07 UTC');
    expect(last).toContain('2026-11-21 10:05:00 Quote opened Customer');
    expect(last).toContain('Rep One (Sales rep)');
    expect(last).toContain(`Page ${signed.pages.length} / ${signed.pages.length}`);
    expect(signed.pages[0]?.replace(/Page 1 \/ \d+/, '')).toBe(
      unsigned.pages[0]?.replace(/Page 1 \/ \d+/, ''),
    );
  });

  it('gives the signed copy its own trailer ID and the signature time as modification date', async () => {
    // Arrange
    const quote = makeQuote();
    const view = quoteView(quote, getTemplate('classic'));

    // Act
    const raw = (await renderQuotePdf(view, { certificate: CERTIFICATE })).toString('latin1');

    // Assert
    expect(raw).not.toContain(`<${view.document.fileId}>`);
    expect(raw).toMatch(/\/ID \[<[0-9a-f]{32}> <[0-9a-f]{32}>\]/);
    expect(raw).toContain('(D:20261122081507Z)');
  });

  it('embeds a drawn signature as an opaque image', async () => {
    // Act
    const signed = await render(makeQuote(), { ...CERTIFICATE, method: 'drawn', signatureImage: SIGNATURE });

    // Assert
    const raw = signed.toString('latin1');
    expect(raw).toContain('/Subtype /Image');
    expect(raw).not.toContain('/SMask');
  });

  it('fails the one document with a RenderError for each damaged stored image, and nothing escapes', async () => {
    // Arrange: images stored before signing checked them. A decoder that inflated them in a zlib
    // callback could throw where nothing catches; any such throw fails this test run.
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (const [name, signatureImage] of Object.entries(hostileSignatures())) {
        // Act + Assert
        await expect(
          render(makeQuote(), { ...CERTIFICATE, method: 'drawn', signatureImage }),
          name,
        ).rejects.toBeInstanceOf(RenderError);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
    // The next document renders as usual.
    expect((await render(makeQuote(), CERTIFICATE)).subarray(0, 5).toString()).toBe('%PDF-');
  });
});

/** "Page {page} / {pages}" for a one-page document. */
function fill1(label: string): string {
  return label.replace('{page}', '1').replace('{pages}', '1');
}
