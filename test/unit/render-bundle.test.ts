import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTemplatesDir, houseBuildOptions, PROJECT_ROOT } from '#infra/constructs/function';
import { templatesDir } from '#render/paths';
import { renderCertificatePdf, renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
import { SIGNATURE } from '#test/signature';
import { line, makeQuote } from './render-fixtures.ts';

/**
 * The renderer as the Lambda bundles ship it: our PDF writer, font engine and PNG codec, no PDF or
 * image library. A quote and a certificate page (with a drawn signature) rendered from the bundle in
 * a fresh process must be the bytes the unbundled renderer makes.
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
import { templatesDir } from '#render/paths';
import { getTemplate } from '#render/templates';
import { quoteView } from '#render/view';
const { quote, certificate, out } = JSON.parse(process.argv[2]);
const view = quoteView(quote, getTemplate(quote.templateId));
writeFileSync(out + '/quote.pdf', await renderQuotePdf(view));
writeFileSync(out + '/certificate.pdf', await renderCertificatePdf(view, certificate));`;

const dir = mkdtempSync(join(tmpdir(), 'closer-render-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outfile = join(dir, 'index.mjs');
let inputs = '';
beforeAll(async () => {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: PROJECT_ROOT, loader: 'ts' },
    absWorkingDir: PROJECT_ROOT,
    ...houseBuildOptions(),
    sourcemap: false,
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  inputs = Object.keys(result.metafile.inputs).join('\n');
});

describe('the bundled PDF renderer', () => {
  it('makes the same bytes as the unbundled one, without pdfkit, fontkit or pngjs', async () => {
    // Arrange
    expect(inputs).not.toMatch(/node_modules\/(pdfkit|fontkit|linebreak|png-js|pngjs)\//);
    expect(inputs).toMatch(/functions\/render\/pdf-writer\.ts/);
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

  it('reads only templates prepared for the bundles, and says so when given the source folders', () => {
    // Arrange: the bundle pointed at templates/ as it is in the repository.
    expect(inputs).toMatch(/bundle-stubs\/template-files/);

    // Act
    const run = () =>
      execFileSync(
        process.execPath,
        [outfile, JSON.stringify({ quote: QUOTE, certificate: CERTIFICATE, out: dir })],
        {
          env: { PATH: process.env.PATH, TEMPLATES_DIR: templatesDir() },
          stdio: 'pipe',
        },
      );

    // Assert: the stub of the folder reader, not a zod error from a schema the bundle never builds.
    expect(run).toThrow(/has no registry\.json: a bundle reads the templates prepared when it was built/);
  });
});
