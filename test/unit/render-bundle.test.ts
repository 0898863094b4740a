import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledTemplatesDir, houseBuildOptions, PROJECT_ROOT } from '#infra/constructs/function';
import { renderCertificatePdf, renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
import { SIGNATURE } from '#test/signature';
import { line, makeQuote } from './render-fixtures.ts';

/**
 * The renderer as the Lambda bundles ship it: fontkit, pdfkit's line breaker and its AES replaced by
 * stubs that throw (infra/bundle-stubs). A quote and a certificate page (with a drawn signature)
 * rendered from the bundle in a fresh process must be the bytes the unbundled renderer makes: no stub
 * is ever reached.
 */
const QUOTE = makeQuote({
  templateId: 'modern',
  client: { name: 'Юлия Смирнова', companyName: 'Łukasz Wróbel-Żółć', email: 'lukasz@example.com' },
  lines: [line(1, { name: 'Ελληνικά – Crème brûlée', description: 'AVATAR, Tâche' })],
  discountPercent: 0,
});
const CERTIFICATE = {
  signerName: 'Юлия Смирнова',
  signedAt: '2026-11-22T08:15:07.000Z',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  documentHash: '3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed',
  method: 'drawn' as const,
  signatureImage: SIGNATURE,
  events: [{ at: '2026-11-21T10:00:00.000Z', type: 'quote.sent', actor: { type: 'user' as const } }],
};

const ENTRY = `import { writeFileSync } from 'node:fs';
import { renderCertificatePdf, renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
const { quote, certificate, out } = JSON.parse(process.argv[2]);
const view = quoteView(quote, getTemplate(quote.templateId));
writeFileSync(out + '/quote.pdf', await renderQuotePdf(view));
writeFileSync(out + '/certificate.pdf', await renderCertificatePdf(view, certificate));`;

const dir = mkdtempSync(join(tmpdir(), 'closer-render-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled PDF renderer', () => {
  it('makes the same bytes as the unbundled one, without fontkit, linebreak or pdfkit’s AES', async () => {
    // Arrange
    const outfile = join(dir, 'index.mjs');
    await build({
      stdin: { contents: ENTRY, resolveDir: PROJECT_ROOT, loader: 'ts' },
      absWorkingDir: PROJECT_ROOT,
      ...houseBuildOptions(),
      sourcemap: false,
      outfile,
      metafile: true,
      logLevel: 'error',
    }).then((result) => {
      const inputs = Object.keys(result.metafile.inputs).join('\n');
      expect(inputs).not.toMatch(/node_modules\/(fontkit|linebreak|unicode-properties|restructure)\//);
      expect(inputs).toMatch(/bundle-stubs\/fontkit/);
    });
    const view = quoteView(QUOTE, getTemplate(QUOTE.templateId));

    // Act
    execFileSync(
      process.execPath,
      [outfile, JSON.stringify({ quote: QUOTE, certificate: CERTIFICATE, out: dir })],
      {
        env: { PATH: process.env.PATH, TEMPLATES_DIR: bundledTemplatesDir() },
      },
    );

    // Assert
    expect(readFileSync(join(dir, 'quote.pdf')).equals(await renderQuotePdf(view))).toBe(true);
    expect(
      readFileSync(join(dir, 'certificate.pdf')).equals(await renderCertificatePdf(view, CERTIFICATE)),
    ).toBe(true);
  });
});
