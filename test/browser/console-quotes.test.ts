import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ulid } from 'ulid';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { to, waitForEmails } from '#test/mail';
import { consoleSuite } from './support/console-suite.ts';
import { dealWithLines, quoteLinkIn, type RepClient, repClient, screenshots } from './support/stack.ts';

/**
 * The console's quotes and activity feed in Chromium against the real handlers: a rep builds a
 * quote from the deal page with its live preview, sends it by email, the customer signs in another
 * browser, and the rep's console shows it without a reload; a change request is revised and v2 sent.
 */

const suite = consoleSuite();
const { problems, newPage, url } = suite;

const axeSource = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const failures: string[] = [];

beforeEach(() => {
  problems.length = 0;
  failures.length = 0;
});

/** Serious and critical axe violations of what the page shows now, collected with the screen's name. */
async function audit(page: Page, name: string) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const results = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (results.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string,
      nodes: (v.nodes as any[]).slice(0, 3).map((n) => (n.target as string[]).join(' ')),
    }));
  });
  for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
    failures.push(`${name}: ${v.id} ${v.nodes.join(', ')}`);
  }
}

/** The text of the preview frame's document (the customer's page as rendered for the draft). */
async function previewText(page: Page): Promise<string> {
  return (await page.frameLocator('iframe.preview-frame').locator('body').textContent()) ?? '';
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('quotes and activity in the console', () => {
  const tag = ulid().slice(-6).toLowerCase();
  let alice: RepClient;

  beforeAll(async () => {
    alice = await repClient(suite.stack.baseUrl, 'alice', { id: 'alice' });
  });

  it('builds a quote with a live preview, sends it by email, and shows the signature without a reload', async () => {
    const shot = screenshots('console-quotes');
    const { deal, email } = await dealWithLines(alice, `Jeanne ${tag}`);
    const page = await newPage(1280);
    await page.goto(url(`/deals/${deal.id}`));
    await page.getByRole('button', { name: 'Sign in as Alice Martin' }).click();
    await page.getByRole('heading', { name: 'Quotes' }).waitFor();

    // Build: a draft from the deal's lines, opened in the builder with the template's texts.
    await page.getByRole('button', { name: 'New quote' }).click();
    const heading = page.getByRole('heading', { level: 1, name: /^Quote Q-\d{4}-\d{4,} v1$/ });
    await heading.waitFor();
    const number = ((await heading.textContent()) ?? '').replace(/^Quote (\S+) v1$/, '$1');
    const intro = page.getByLabel('Introduction');
    expect(await intro.inputValue()).not.toBe('');
    await until(async () => (await previewText(page)).includes(number), 'the preview shows the quote');

    // The preview follows the intro as it is typed (saved, then rendered by the preview route).
    await intro.fill(`Dear Jeanne, here is our offer ${tag}.`);
    await until(
      async () => (await previewText(page)).includes(`here is our offer ${tag}`),
      'the preview follows',
    );
    await page.getByText('All changes saved.').waitFor();
    const quotes = await alice.ok('GET', `/deals/${deal.id}/quotes`);
    const quote = quotes.items[0];
    expect(quote).toMatchObject({
      number,
      version: 1,
      status: 'draft',
      intro: `Dear Jeanne, here is our offer ${tag}.`,
    });
    await audit(page, 'builder @1280');
    await shot(page, 'builder-1280');

    // Send by email with an edited subject; the dialog previews the email.
    await page.getByRole('button', { name: 'Send…' }).click();
    const dialog = page.getByRole('dialog', { name: `Send quote ${number} v1` });
    const subject = dialog.getByLabel('Subject');
    await until(async () => (await subject.inputValue()).includes(number), 'the subject is prefilled');
    await subject.fill(`Our offer ${tag}`);
    await until(
      async () => ((await dialog.locator('.email-subject').textContent()) ?? '') === `Our offer ${tag}`,
      'the email preview follows the subject',
    );
    expect(await dialog.locator('.email-text').textContent()).toContain(`Jeanne ${tag}`);
    await audit(page, 'send dialog');
    await shot(page, 'send-dialog-1280');
    await dialog.getByRole('button', { name: 'Send the email' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const [sent] = await waitForEmails(to(email), 1, 60_000);
    expect(sent?.subject).toBe(`Our offer ${tag}`);

    // Back on the deal (no reload): the quote is sent and the deal moved to "Contract sent".
    await page.getByRole('link', { name: 'Back to the deal' }).click();
    const card = page.locator('.quote-card', { hasText: `${number} v1` });
    await card.locator('.chip', { hasText: 'Sent' }).waitFor();
    await page.locator('.stage-step.is-current', { hasText: 'Contract sent' }).waitFor();

    // The customer, in a browser of their own, opens the link of the email and signs.
    const customer = await (
      await suite.browser.newContext({ viewport: { width: 390, height: 800 } })
    ).newPage();
    await customer.goto(quoteLinkIn(sent?.body.text ?? '', suite.stack.baseUrl));
    await customer.getByLabel('Full name').fill(`Jeanne ${tag}`);
    await customer.getByLabel('I agree to sign this quote electronically').check();
    await customer.locator('#sign-form button[type=submit]').click();
    await customer.getByText('Thank you: your signature was recorded.').waitFor();
    await customer.context().close();

    // Within the polling interval, without a reload: the bell, the quote signed, the deal won.
    const notice = `Jeanne ${tag} signed quote ${number} v1`;
    await page.locator('.toast', { hasText: notice }).waitFor({ timeout: 60_000 });
    const bell = page.getByRole('button', { name: /^Activity, \d+ unread$/ });
    await bell.waitFor();
    await card.locator('.chip', { hasText: 'Signed' }).waitFor({ timeout: 15_000 });
    await page.locator('.deal-sub .status-won').waitFor({ timeout: 15_000 });
    await card.getByText('Signature evidence').waitFor();
    expect(await card.locator('.evidence').textContent()).toContain(`Jeanne ${tag}`);
    await bell.click();
    const panel = page.getByRole('region', { name: 'Activity' });
    await panel.getByRole('link', { name: notice }).waitFor();
    await audit(page, 'deal with a signed quote and the activity panel');
    await shot(page, 'signed-1280');
    // Opened, the feed is read: the bell says so (no unread count).
    await page.getByRole('button', { name: 'Activity', exact: true }).waitFor();
    expect(problems).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('shows a change request, revises it into v2 and sends v2', async () => {
    const shot = screenshots('console-quotes-changes');
    const { deal, email } = await dealWithLines(alice, `Jean ${tag}`);
    const v1 = await alice.ok('POST', `/deals/${deal.id}/quotes`, {}, 201);
    const link = await alice.ok('POST', `/quotes/${v1.id}/send`, { channel: 'link' });
    const token = String(link.url).split('/q/')[1];
    const changes = await fetch(`${suite.stack.baseUrl}/q/${token}/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `Please add a second training day ${tag}` }),
    });
    expect(changes.status).toBe(200);

    for (const width of [390, 1280]) {
      const page = await newPage(width);
      await page.goto(url(`/deals/${deal.id}`));
      await page.getByRole('button', { name: 'Sign in as Alice Martin' }).click();
      const card = page.locator('.quote-card', { hasText: `${v1.number} v1` });
      await card.getByText(`Please add a second training day ${tag}`).waitFor();
      await card.locator('.chip', { hasText: 'Changes requested' }).waitFor();
      await audit(page, `deal with a change request @${width}`);
      await shot(page, `change-request-${width}`);
      if (width === 390) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        continue;
      }

      // Revise: version 2 opens in the builder.
      await card.getByRole('button', { name: 'Revise' }).click();
      await page.getByRole('heading', { level: 1, name: `Quote ${v1.number} v2` }).waitFor();
      await page.getByRole('button', { name: 'Send…' }).click();
      const dialog = page.getByRole('dialog', { name: `Send quote ${v1.number} v2` });
      await until(async () => (await dialog.getByLabel('Subject').inputValue()) !== '', 'subject prefilled');
      await dialog.getByRole('button', { name: 'Send the email' }).click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('link', { name: 'Back to the deal' }).click();
      await page
        .locator('.quote-card', { hasText: `${v1.number} v2` })
        .locator('.chip', { hasText: 'Sent' })
        .waitFor();
      await card.locator('.chip', { hasText: 'Superseded' }).waitFor();
      await waitForEmails(to(email), 1, 60_000);
    }
    const list = await alice.ok('GET', `/deals/${deal.id}/quotes`);
    expect(list.items.map((q: { version: number; status: string }) => [q.version, q.status])).toEqual([
      [2, 'sent'],
      [1, 'superseded'],
    ]);
    expect(problems).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('shows the builder with its preview tab, the send dialog and the link once at 390 px', async () => {
    const shot = screenshots('console-quotes-phone');
    const { deal } = await dealWithLines(alice, `Jo ${tag}`);
    const draft = await alice.ok('POST', `/deals/${deal.id}/quotes`, {}, 201);
    const page = await newPage(390);
    await page.goto(url(`/quotes/${draft.id}`));
    await page.getByRole('button', { name: 'Sign in as Alice Martin' }).click();
    await page.getByRole('heading', { level: 1, name: `Quote ${draft.number} v1` }).waitFor();
    await expect(page.locator('iframe.preview-frame').isVisible()).resolves.toBe(false);
    await audit(page, 'builder form @390');
    await shot(page, 'builder-form-390');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.locator('iframe.preview-frame').waitFor();
    await until(
      async () => (await previewText(page)).includes(draft.number),
      'the preview tab shows the quote',
    );
    await audit(page, 'builder preview @390');
    await shot(page, 'builder-preview-390');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // As a link: shown once, with the warning that it is the customer's key.
    await page.getByRole('button', { name: 'Send…' }).click();
    const dialog = page.getByRole('dialog', { name: `Send quote ${draft.number} v1` });
    await dialog.getByLabel('As a link').check();
    await dialog.getByRole('button', { name: 'Create the link' }).click();
    const linkField = dialog.getByLabel('The customer’s link');
    await linkField.waitFor();
    expect(await linkField.inputValue()).toMatch(/\/q\/[A-Za-z0-9_-]{43}$/);
    await dialog.getByText('This link is the customer’s key').waitFor();
    await audit(page, 'link dialog @390');
    await shot(page, 'link-once-390');
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect((await alice.ok('GET', `/quotes/${draft.id}`)).status).toBe('sent');
    expect(problems).toEqual([]);
    expect(failures).toEqual([]);
  });
});
