import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/eventually';
import { launchBrowser } from './support/browser.ts';
import { collectProblems, seriousAxeViolations } from './support/page-checks.ts';
import { dealWithLines, repClient, type Stack, screenshots, startStack } from './support/stack.ts';

/**
 * The public verify page in a real browser: a quote is sent and signed over HTTP, its PDFs are
 * downloaded as the customer gets them, then checked on /verify by dropping or picking the file
 * (hashed in the browser with WebCrypto), or, with JavaScript off, by the plain form upload.
 */

let stack: Stack;
let browser: Browser;
let files: string;
const contexts: BrowserContext[] = [];

/** A sent and signed quote: its number, and its two PDFs on disk (as sent, and the sealed signed copy). */
let signed: { number: string; sent: string; copy: string; copyBytes: Buffer };

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack();
  files = mkdtempSync(path.join(tmpdir(), 'closer-verify-'));
  const rep = await repClient(stack.baseUrl);
  const { deal } = await dealWithLines(rep);
  const quote = await rep.ok('POST', `/deals/${deal.id}/quotes`, {}, 201);
  const { url } = await rep.ok<{ url: string }>('POST', `/quotes/${quote.id}/send`, { channel: 'link' });
  const token = url.split('/q/')[1] ?? '';
  const sent = Buffer.from(await (await fetch(`${stack.baseUrl}/q/${token}/pdf`)).arrayBuffer());
  const answer = await fetch(`${stack.baseUrl}/q/${token}/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Jeanne Dupont', consent: true }),
  });
  expect(answer.status).toBe(200);
  // notify seals the copy a moment after the answer; until then the link answers 503 (Retry-After).
  const copyBytes = await eventually(async () => {
    const response = await fetch(`${stack.baseUrl}/q/${token}/pdf`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`the signed copy answered ${response.status}`);
    return bytes;
  });
  expect(copyBytes.subarray(0, sent.length).equals(sent)).toBe(true);
  expect(copyBytes.length).toBeGreaterThan(sent.length);
  signed = {
    number: quote.number,
    sent: path.join(files, `${quote.number}-v1.pdf`),
    copy: path.join(files, `${quote.number}-v1-signed.pdf`),
    copyBytes,
  };
  writeFileSync(signed.sent, sent);
  writeFileSync(signed.copy, copyBytes);
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (files) rmSync(files, { recursive: true, force: true });
});

async function openVerify(options: BrowserContextOptions = {}, query = '') {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  contexts.push(context);
  const page = await context.newPage();
  const problems = collectProblems(page);
  const response = await page.goto(`${stack.baseUrl}/verify${query}`);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** Drops `bytes` as a PDF file on the page's drop zone, as a person dragging it from their files. */
async function dropFile(page: Page, bytes: Buffer, name: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ base64, fileName }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], fileName, { type: 'application/pdf' }));
      return dt;
    },
    { base64: bytes.toString('base64'), fileName: name },
  );
  await page.dispatchEvent('#verify-form', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#verify-form', 'drop', { dataTransfer: transfer });
}

/** The result box: its heading and its facts as label → value. */
async function result(page: Page) {
  const box = page.locator('section[role=status]');
  await box.waitFor();
  const labels = await box.locator('dt').allTextContents();
  const values = await box.locator('dd').allTextContents();
  return {
    title: (await box.locator('h2').textContent())?.trim(),
    facts: Object.fromEntries(labels.map((label, i) => [label.trim(), values[i]?.trim()])),
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('the verify page in a browser', () => {
  it('says a dropped signed copy was issued here, and what it is, computing the hash in the browser', async () => {
    // Arrange
    const shot = screenshots('verify-signed-copy');
    const { page, problems } = await openVerify();
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'GET') uploads.push(`${request.method()} ${request.url()}`);
    });
    await shot(page, 'empty');

    // Act
    await dropFile(page, signed.copyBytes, 'signed.pdf');
    await page.waitForURL(`**/verify/${sha256(signed.copyBytes)}?lang=en`);
    const answer = await result(page);
    await shot(page, 'issued');

    // Assert: the file never left the browser (only its hash, in the URL), and the answer names it.
    expect(uploads).toEqual([]);
    expect(answer.title).toBe('Issued by this Closer');
    expect(answer.facts).toMatchObject({
      Document: `Signed copy of quote ${signed.number}, version 1`,
      'Signed by': 'Jeanne Dupont',
      'Status now': expect.stringMatching(/signed/i),
      'SHA-256': sha256(signed.copyBytes),
    });
    expect(answer.facts.History).toMatch(/^The event history verifies/);
    expect(answer.facts['Seal certificate']).toMatch(/CN=/);
    expect(problems).toEqual([]);
  });

  it('says a signed copy with one byte changed was not issued here, and nothing more', async () => {
    // Arrange: one byte of the signed copy's certificate page text changed.
    const shot = screenshots('verify-modified');
    const modified = Buffer.from(signed.copyBytes);
    const at = modified.length - 2_000;
    modified[at] = (modified[at] ?? 0) ^ 0x01;
    const changed = path.join(files, 'modified.pdf');
    writeFileSync(changed, modified);
    const { page } = await openVerify();

    // Act: picked with the file chooser this time.
    await page.setInputFiles('#verify-file', changed);
    await page.waitForURL(`**/verify/${sha256(modified)}?lang=en`);
    const answer = await result(page);
    await shot(page, 'not-issued');

    // Assert
    expect(answer.title).toBe('Not issued by this Closer');
    expect(answer.facts).toEqual({ 'SHA-256': sha256(modified) });
  });

  it('checks a file through the plain form upload when JavaScript is off', async () => {
    // Arrange
    const shot = screenshots('verify-no-javascript');
    const { page } = await openVerify({ javaScriptEnabled: false });

    // Act: the PDF as sent, posted as multipart by the browser itself.
    await page.setInputFiles('#verify-file', signed.sent);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/verify')),
      page.locator('#verify-form button[type=submit]').click(),
    ]);
    const answer = await result(page);
    await shot(page, 'issued');

    // Assert
    expect(response.status()).toBe(200);
    expect(answer.title).toBe('Issued by this Closer');
    expect(answer.facts).toMatchObject({
      Document: `Quote ${signed.number}, version 1`,
      'SHA-256': sha256(readFileSync(signed.sent)),
    });
    expect(answer.facts['Signed by']).toBeUndefined();
  });

  it('fits a 390 px screen in French and has no serious or critical axe violation', async () => {
    // Arrange: the page's CSP (rightly) refuses the injected axe script, so this audit bypasses it.
    const shot = screenshots('verify-390');
    const { page } = await openVerify(
      { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, bypassCSP: true, locale: 'fr-FR' },
      '',
    );
    const audit = () => seriousAxeViolations(page);

    // Act
    const empty = await audit();
    const widths = [await pageWidth(page)];
    await shot(page, 'empty');
    await dropFile(page, signed.copyBytes, 'signed.pdf');
    await page.waitForURL(`**/verify/${sha256(signed.copyBytes)}?lang=fr`);
    const answer = await result(page);
    const issued = await audit();
    widths.push(await pageWidth(page));
    await shot(page, 'issued');

    // Assert
    expect(await page.locator('html').getAttribute('lang')).toMatch(/^fr/);
    expect(answer.title).toBe('Émis par ce Closer');
    expect(empty).toEqual([]);
    expect(issued).toEqual([]);
    expect(
      widths.every((w) => w <= 390),
      `page widths ${widths.join(', ')}`,
    ).toBe(true);
  });
});
