import { readFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '#test/eventually';
import { to, waitForEmails } from '#test/mail';
import { launchBrowser } from './support/browser.ts';
import { collectProblems, seriousAxeViolations } from './support/page-checks.ts';
import {
  dealWithLines,
  quoteLinkIn,
  type RepClient,
  repClient,
  type Stack,
  screenshots,
  startStack,
} from './support/stack.ts';

/**
 * The customer's journeys through the quote page, in a real browser, against the real handlers:
 * a rep prepares and sends a quote over the HTTP API, the customer opens the link (from the email
 * the SES emulator received, or from the API) and answers, the rep sees the result in the API.
 */

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  stack = await startStack();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions: a CSP violation shows up here. */
  problems: string[];
}

async function openPage(url: string, options: BrowserContextOptions = {}): Promise<Opened> {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  contexts.push(context);
  const page = await context.newPage();
  const problems = collectProblems(page);
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, problems };
}

/** A deal with a contact and lines, its quote created and sent: the link and the email address. */
async function sentQuote(rep: RepClient, channel: 'email' | 'link', contactName?: string) {
  const { deal, email } = await dealWithLines(rep, contactName);
  const quote = await rep.ok('POST', `/deals/${deal.id}/quotes`, {}, 201);
  const sent = await rep.ok<{ url: string }>('POST', `/quotes/${quote.id}/send`, { channel });
  let url = sent.url;
  if (channel === 'email') {
    const [mail] = await waitForEmails(to(email));
    url = quoteLinkIn(mail?.body.text ?? mail?.body.html ?? '', stack.baseUrl);
  }
  return { deal, quote, url, email };
}

async function text(page: Page, selector: string): Promise<string> {
  const locator = page.locator(selector).first();
  await locator.waitFor();
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Presses Tab (or Shift+Tab) until the focus is on `selector`: how a keyboard user gets there. */
async function tabTo(page: Page, selector: string, backwards = false): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`the keyboard never reached ${selector}`);
}

async function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY);
}

async function pdfText(bytes: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

describe('the quote page in a browser', () => {
  it('lets a customer sign a quote from the email with a drawn signature; the deal is won', async () => {
    // Arrange
    const shot = screenshots('sign-from-email');
    const rep = await repClient(stack.baseUrl);
    const { deal, quote, url } = await sentQuote(rep, 'email');

    // Act: read, scroll to the terms, draw, consent, type the name, sign.
    const { page, problems } = await openPage(url);
    expect(await text(page, 'h1')).toContain(quote.number);
    await shot(page, 'opened');
    await page.locator('.terms').scrollIntoViewIfNeeded();
    expect(await page.locator('.terms').isVisible()).toBe(true);
    const canvas = page.locator('#sign-pad canvas');
    expect(await canvas.isVisible()).toBe(true);
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the signature canvas has no box');
    await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await page.mouse.down();
    for (const [dx, dy] of [
      [60, -50],
      [110, 10],
      [160, -40],
      [220, 20],
    ] as const) {
      await page.mouse.move(box.x + 20 + dx, box.y + box.height * 0.7 + dy, { steps: 8 });
    }
    await page.mouse.up();
    await page.getByLabel('I agree to sign this quote electronically').check();
    await page.getByLabel('Full name').fill('Jeanne Dupont');
    await shot(page, 'filled');
    await page.locator('#sign-form button[type=submit]').click();

    // Assert: the confirmation, the deal, the evidence, the signed PDF.
    expect(await text(page, '[role=status]')).toContain('Thank you: your signature was recorded.');
    expect(await page.locator('form').count()).toBe(0);
    await shot(page, 'signed');
    expect(problems).toEqual([]);
    const won = await rep.ok('GET', `/deals/${deal.id}`);
    expect(won.status).toBe('won');
    const signed = await rep.ok('GET', `/quotes/${quote.id}`);
    expect(signed.status).toBe('signed');
    expect(signed.signature).toMatchObject({ name: 'Jeanne Dupont', method: 'drawn', consent: true });
    expect(signed.signature.image).toMatch(/^data:image\/png;base64,/);
    expect(await text(page, '#answer .mono')).toBe(signed.documentHash);
    // notify seals the copy a moment after the signature: once it has, a reload offers it.
    const sealed = await eventually(async () => {
      const current = await rep.ok('GET', `/quotes/${quote.id}`);
      if (!current.signedCopyHash) throw new Error('the signed copy is not sealed yet');
      return current;
    });
    expect(sealed.signedCopyHash).toMatch(/^[0-9a-f]{64}$/);
    await page.reload();
    expect(await text(page, '.notice')).not.toContain('being sealed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#answer a[download]').click(),
    ]);
    const file = await download.path();
    const pdf = await pdfText(readFileSync(file));
    expect(pdf).toContain('Jeanne Dupont');
    expect(pdf.replace(/\s+/g, '')).toContain(signed.documentHash);
  });

  it('takes a change request; the revised version replaces the old link and is signed', async () => {
    // Arrange
    const shot = screenshots('changes-then-revision');
    const rep = await repClient(stack.baseUrl);
    const { quote: v1, url: v1Url, email } = await sentQuote(rep, 'link');

    // Act: ask for changes on v1.
    const { page } = await openPage(v1Url);
    await page.locator('summary', { hasText: 'Request changes' }).click();
    await page.locator('#changes-message').fill('Could you add a second training day?');
    await shot(page, 'request-filled');
    await page.locator('#changes-form button[type=submit]').click();
    const confirmation = await text(page, '[role=status]');
    await shot(page, 'request-sent');

    // Act: the rep revises and sends v2 by email.
    expect((await rep.ok('GET', `/quotes/${v1.id}`)).status).toBe('changes_requested');
    const v2 = await rep.ok('POST', `/quotes/${v1.id}/revise`, undefined, 201);
    await rep.ok('POST', `/quotes/${v2.id}/send`, { channel: 'email' });
    const [mail] = await waitForEmails(to(email));
    const v2Url = quoteLinkIn(mail?.body.text ?? '', stack.baseUrl);

    // Assert: the old link says it was replaced, and nothing more.
    expect(confirmation).toContain('Thank you: your request for changes was sent.');
    expect(await text(page, '#answer blockquote')).toBe('Could you add a second training day?');
    await page.goto(v1Url);
    expect(await text(page, 'h1')).toBe('A newer version of this quote was sent to you');
    expect(await page.locator('article').count()).toBe(0);
    await shot(page, 'v1-replaced');

    // Act + Assert: the new link signs v2 with a typed name.
    expect(v2Url).not.toBe(v1Url);
    await page.goto(v2Url);
    expect(await text(page, '.facts')).toContain('2');
    await page.getByLabel('Full name').fill('Jeanne Dupont');
    await page.getByLabel('I agree to sign this quote electronically').check();
    await page.locator('#sign-form button[type=submit]').click();
    expect(await text(page, '[role=status]')).toContain('Thank you: your signature was recorded.');
    await shot(page, 'v2-signed');
    const signed = await rep.ok('GET', `/quotes/${v2.id}`);
    expect(signed).toMatchObject({ version: 2, status: 'signed', signature: { method: 'typed' } });
  });

  it('records a decline with its reason; the deal is lost for that reason', async () => {
    // Arrange
    const shot = screenshots('decline');
    const rep = await repClient(stack.baseUrl);
    const { deal, quote, url } = await sentQuote(rep, 'link');

    // Act
    const { page } = await openPage(url);
    await page.locator('summary', { hasText: 'Decline' }).click();
    await page.getByLabel('I chose another supplier').check();
    await page.locator('#decline-message').fill('We went with a local firm.');
    await shot(page, 'decline-filled');
    await page.locator('#decline-form button[type=submit]').click();

    // Assert
    expect(await text(page, '[role=status]')).toContain('Your answer was recorded: you declined this quote.');
    expect(await text(page, '#answer')).toContain('I chose another supplier');
    expect(await page.locator('form').count()).toBe(0);
    await shot(page, 'declined');
    expect((await rep.ok('GET', `/quotes/${quote.id}`)).status).toBe('declined');
    const lost = await rep.ok('GET', `/deals/${deal.id}`);
    expect(lost).toMatchObject({ status: 'lost', lossReason: 'competitor' });
  });

  it('fits a 360 px screen without sideways scrolling and signs with the keyboard alone', async () => {
    // Arrange
    const shot = screenshots('mobile-360');
    const rep = await repClient(stack.baseUrl);
    const { quote, url } = await sentQuote(rep, 'link', 'Jeanne-Marguerite de la Fontaine-Dupont');
    const { page } = await openPage(url, { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    await shot(page, 'opened');
    const widths = [await pageWidth(page)];

    // Act: every answer opens and fits; then the quote is signed without a pointer.
    for (const form of ['changes', 'decline']) {
      await tabTo(page, `details:has(#${form}-form) > summary`);
      await page.keyboard.press('Enter');
      const submit = page.locator(`#${form}-form button[type=submit]`);
      await submit.scrollIntoViewIfNeeded();
      const box = await submit.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 360, `${form} button inside the screen`).toBe(true);
      widths.push(await pageWidth(page));
      await shot(page, `${form}-open`);
    }
    await tabTo(page, 'details:has(#sign-form) > summary', true);
    await page.keyboard.press('Enter');
    await tabTo(page, '#sign-name');
    await page.keyboard.type('Jeanne Dupont');
    await tabTo(page, '#sign-consent');
    await page.keyboard.press('Space');
    widths.push(await pageWidth(page));
    await shot(page, 'sign-filled');
    await tabTo(page, '#sign-form button[type=submit]');
    await page.keyboard.press('Enter');

    // Assert
    expect(await text(page, '[role=status]')).toContain('Thank you: your signature was recorded.');
    widths.push(await pageWidth(page));
    await shot(page, 'signed');
    expect(
      widths.every((w) => w <= 360),
      `page widths ${widths.join(', ')}`,
    ).toBe(true);
    expect((await rep.ok('GET', `/quotes/${quote.id}`)).signature.method).toBe('typed');
  });

  it('has no serious or critical axe violation on the open page and on the signed page', async () => {
    // Arrange: the page's CSP (rightly) refuses the injected axe script, so this audit bypasses it.
    const shot = screenshots('axe');
    const rep = await repClient(stack.baseUrl);
    const { url } = await sentQuote(rep, 'link');
    const { page } = await openPage(url, { bypassCSP: true });
    const audit = () => seriousAxeViolations(page);

    // Act
    const open = await audit();
    await shot(page, 'open');
    await page.getByLabel('Full name').fill('Jeanne Dupont');
    await page.getByLabel('I agree to sign this quote electronically').check();
    await page.locator('#sign-form button[type=submit]').click();
    await page.locator('[role=status]').waitFor();
    const signed = await audit();
    await shot(page, 'signed');

    // Assert
    expect(open).toEqual([]);
    expect(signed).toEqual([]);
  });

  it('answers an unknown link with the 404 page, in both languages', async () => {
    // Arrange
    const shot = screenshots('not-found');
    const context = await browser.newContext({ locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();

    // Act
    const response = await page.goto(`${stack.baseUrl}/q/${'A'.repeat(43)}`);

    // Assert
    expect(response?.status()).toBe(404);
    const headings = await page.locator('h1').allTextContents();
    expect(headings).toEqual(['Ce lien n’est pas valide', 'This link is not valid']);
    await shot(page, 'not-found');
  });

  it('signs with a typed name through the plain form post when JavaScript is off', async () => {
    // Arrange
    const shot = screenshots('no-javascript');
    const rep = await repClient(stack.baseUrl);
    const { deal, quote, url } = await sentQuote(rep, 'link');

    // Act
    const { page } = await openPage(url, { javaScriptEnabled: false });
    const padShown = await page.locator('#sign-pad').isVisible();
    await page.getByLabel('Full name').fill('Jeanne Dupont');
    await page.getByLabel('I agree to sign this quote electronically').check();
    await shot(page, 'filled');
    await page.locator('#sign-form button[type=submit]').click();

    // Assert
    expect(padShown).toBe(false);
    expect(await text(page, '[role=status]')).toContain('Thank you: your signature was recorded.');
    await shot(page, 'signed');
    const signed = await rep.ok('GET', `/quotes/${quote.id}`);
    expect(signed.signature).toMatchObject({ name: 'Jeanne Dupont', method: 'typed' });
    expect(signed.signature.image).toBeUndefined();
    expect((await rep.ok('GET', `/deals/${deal.id}`)).status).toBe('won');
  });

  it('reports a view once the page is visible: the quote is viewed, with no CSP error', async () => {
    const rep = await repClient(stack.baseUrl);
    const { quote, url } = await sentQuote(rep, 'link');

    const { page, problems } = await openPage(url);

    const viewed = await eventually(async () => {
      const current = await rep.ok('GET', `/quotes/${quote.id}`);
      if (current.status !== 'viewed') throw new Error(`still ${current.status}`);
      return current;
    });
    expect(viewed.viewedAt).toEqual(expect.any(String));
    expect(await page.locator('body').getAttribute('data-view-report')).toMatch(/\/view$/);
    expect(problems).toEqual([]);
  });

  it('asks for a one-time code and signs with it on a 390 px screen, without sideways scrolling', async () => {
    // Arrange: a quote that requires a code.
    const shot = screenshots('one-time-code');
    const rep = await repClient(stack.baseUrl);
    const { deal, email } = await dealWithLines(rep);
    const created = await rep.ok('POST', `/deals/${deal.id}/quotes`, {}, 201);
    const sent = await rep.ok<{ url: string }>('POST', `/quotes/${created.id}/send`, {
      channel: 'link',
      requireCode: true,
    });
    const { page, problems } = await openPage(sent.url, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      bypassCSP: true,
    });
    await shot(page, 'open');
    const hint = await text(page, '#sign-code-hint');
    expect(hint).toContain(`${email[0]}***@`);

    // Act: ask for the code, type a wrong one, then the right one.
    await page.getByRole('button', { name: 'Email me a code' }).click();
    expect(await text(page, '[role=status]')).toContain('A 6-digit code was emailed to');
    await shot(page, 'code-sent');
    const [mail] = await waitForEmails((e) => to(email)(e) && /code/i.test(e.subject));
    const code = /(\d{6})\s*$/.exec(mail?.subject ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Full name').fill('Jeanne Dupont');
    await page.getByLabel('One-time code').fill(wrong);
    await page.getByLabel('I agree to sign this quote electronically').check();
    await page.locator('#sign-form > button[type=submit]').click();
    expect(await text(page, '#sign-code-error')).toContain('This code is not right');
    await shot(page, 'wrong-code');
    const violations = (await seriousAxeViolations(page)).map((v) => v.id);
    const width = await pageWidth(page);
    await page.getByLabel('One-time code').fill(code);
    await page.getByLabel('I agree to sign this quote electronically').check();
    await page.locator('#sign-form > button[type=submit]').click();

    // Assert
    expect(await text(page, '[role=status]')).toContain('Thank you: your signature was recorded.');
    expect(await text(page, 'main')).toContain('Email verified by one-time code sent to');
    await shot(page, 'signed');
    expect(violations).toEqual([]);
    expect(width).toBeLessThanOrEqual(390);
    const signed = await rep.ok('GET', `/quotes/${created.id}`);
    expect(signed.signature.verification).toMatchObject({ method: 'email_code' });
    // The wrong code's 422 page is expected; nothing else may fail (a CSP violation would show here).
    expect(problems.filter((p) => !p.includes('422'))).toEqual([]);
  });
});
