import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleSuite } from './support/console-suite.ts';
import { type RepClient, repClient, screenshots } from './support/stack.ts';

/**
 * The reps' console in Chromium against the real handlers: the built app under /app/ (with its
 * strict CSP), the local sign-in route, the API. Each journey checks what the API then holds.
 */

const suite = consoleSuite({ ignoreConsole: /status of 4\d\d/ });
const { problems, newPage, url } = suite;

/** Signs in through the local sign-in page, as a person would. */
async function signIn(page: Page, who: 'Alice Martin' | 'Bob Durand' | 'Maya Chen', then = '/app/board') {
  await page.goto(`${suite.stack.baseUrl}${then}`);
  await page.getByRole('button', { name: `Sign in as ${who}` }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** `€1,234.50` as the console shows it for en-GB. */
const eur = (minor: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(minor / 100);

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

describe('the reps console', () => {
  let alice: RepClient;
  let maya: RepClient;
  let bob: RepClient;
  const tag = ulid().slice(-6).toLowerCase();
  let dealId = '';
  const productName = `Licence ${tag}`;

  beforeAll(async () => {
    alice = await repClient(suite.stack.baseUrl, 'alice', { id: 'alice' });
    bob = await repClient(suite.stack.baseUrl, 'bob', { id: 'bob' });
    maya = await repClient(suite.stack.baseUrl, 'maya', { id: 'maya', manager: true });
    await maya.ok(
      'POST',
      '/products',
      { name: productName, unitPrice: 125_000, currency: 'EUR', taxRate: 20 },
      201,
    );
  });

  it('sends a signed-out visitor to sign in and back to the screen they asked for', async () => {
    const page = await newPage();
    await page.goto(url('/products'));
    await page.getByRole('heading', { name: 'Sign in to Closer' }).waitFor();
    await page.getByRole('button', { name: 'Sign in as Alice Martin' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor();
    expect(page.url()).toBe(url('/products'));
  });

  it('lets alice create a contact, a deal from it, and lines whose totals the API confirms', async () => {
    // Arrange
    const page = await newPage();
    await signIn(page, 'Alice Martin', '/app/contacts');

    // Act: the contact
    await page.getByRole('button', { name: 'New contact' }).click();
    await page.getByLabel('Name', { exact: true }).fill(`Jeanne ${tag}`);
    await page.getByLabel('Email', { exact: true }).fill(`jeanne-${tag}@example.com`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: `Jeanne ${tag}` }).waitFor();

    // ...a deal from it (its defaults shown before saving)
    await page.getByRole('link', { name: 'New deal for this contact' }).click();
    await page.getByRole('heading', { name: `New deal for Jeanne ${tag}` }).waitFor();
    await expect.poll(() => page.locator('.notice').textContent()).toContain('close date');
    await page.getByLabel('Name', { exact: true }).fill(`Rollout ${tag}`);
    await page.getByRole('button', { name: 'Create deal' }).click();
    await page.getByRole('heading', { name: `Rollout ${tag}` }).waitFor();
    dealId = page.url().split('/').pop() ?? '';

    // ...a catalogue line and a free line
    await page
      .getByLabel('Add from the catalogue')
      .selectOption({ label: `${productName} · ${eur(125_000)}` });
    await page.getByRole('button', { name: 'Free line (no product)' }).click();
    await page.getByLabel('Line name (Line 2)').fill('Setup');
    await page.getByLabel('Quantity (Line 2)').fill('3');
    await page.getByLabel('Unit price (Line 2)').fill('99.90');
    await page.getByLabel('Tax (%) (Line 2)').fill('5.5');
    const shownTotal = await page.locator('[data-total="total"]').textContent();
    await page.getByRole('button', { name: 'Save lines' }).click();
    await page.getByText('Saved.').first().waitFor();

    // Assert: the API holds the deal with the contact, the lines, and the totals shown
    const deal = await alice.ok('GET', `/deals/${dealId}`);
    expect(deal.contactId).toBeTruthy();
    expect(deal.lines.map((l: any) => l.name)).toEqual([productName, 'Setup']);
    expect(deal.amount).toBe(125_000 + 29_970);
    // 1,250.00 × 20 % + 299.70 × 5.5 % = 250.00 + 16.48
    expect(shownTotal).toBe(eur(125_000 + 29_970 + 25_000 + 1_648));
    await expect.poll(() => page.locator('.deal-sub').first().textContent()).toContain(eur(deal.amount));
    await expect.poll(() => page.locator('[data-total="net"]').textContent()).toBe(eur(deal.amount));
  });

  it('moves the deal with the mouse, then with the keyboard, to lost with a reason and back', async () => {
    const page = await newPage();
    await signIn(page, 'Alice Martin', `/app/board?q=${tag}`);
    const card = page.locator(`[data-deal="${dealId}"]`);
    await card.waitFor();
    const stageOf = async () => (await alice.ok('GET', `/deals/${dealId}`)).stageId as string;
    const pipeline = (await alice.ok('GET', '/pipelines')).items.find((p: any) => p.isDefault);
    const [first, second, third] = pipeline.stages;

    // Mouse: drag the card's handle onto the next column.
    const grip = card.getByRole('button', { name: `Move Rollout ${tag} to another stage` });
    const from = await grip.boundingBox();
    const target = await page.locator('section.column').nth(1).boundingBox();
    if (!from || !target) throw new Error('no boxes');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 10, { steps: 5 });
    await page.mouse.move(target.x + target.width / 2, target.y + 120, { steps: 15 });
    await page.mouse.up();
    await eventually(stageOf, (s) => s === second.id, 'after the mouse drag');
    await expect
      .poll(() => page.locator('section.column').nth(1).locator(`[data-deal="${dealId}"]`).count())
      .toBe(1);

    // Keyboard: lift with Space, one column right, drop with Space.
    const movedGrip = page.locator(`[data-deal="${dealId}"] .grip`);
    await movedGrip.focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(200);
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    await page.keyboard.press('Space');
    await eventually(stageOf, (s) => s === third.id, 'after the keyboard move');

    // Lost: the move asks for the reason first.
    const lost = pipeline.stages.find((s: any) => s.kind === 'lost');
    await page.locator(`[data-deal="${dealId}"] .card-move select`).selectOption(lost.id);
    await page.getByRole('dialog').waitFor();
    await page.getByLabel('Loss reason').fill('Budget frozen');
    await page.getByRole('button', { name: 'Mark as lost' }).click();
    const lostDeal = await eventually(
      () => alice.ok('GET', `/deals/${dealId}`),
      (d: any) => d.status === 'lost',
      'after marking lost',
    );
    expect(lostDeal.lossReason).toBe('Budget frozen');

    // Reopen from the deal page's stage bar.
    await page.goto(url(`/deals/${dealId}`));
    await page.getByRole('navigation', { name: 'Stage' }).getByRole('button', { name: first.name }).click();
    const reopened = await eventually(
      () => alice.ok('GET', `/deals/${dealId}`),
      (d: any) => d.status === 'open',
      'after reopening',
    );
    expect(reopened.stageId).toBe(first.id);
  });

  it('rolls a refused move back with a readable message', async () => {
    // Arrange
    const page = await newPage();
    const deal = await alice.ok('POST', '/deals', { name: `Refused ${tag}` }, 201);
    await signIn(page, 'Alice Martin', `/app/board?q=Refused%20${tag}`);
    const card = page.locator(`[data-deal="${deal.id}"]`);
    await card.waitFor();
    const pipeline = (await alice.ok('GET', '/pipelines')).items.find((p: any) => p.isDefault);
    // The stage disappears from under the board: the API answers 422 (unknown stage).
    await page.route('**/deals/*/stage', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'invalid', message: 'unknown stage' } }),
      }),
    );

    // Act
    await card.locator('.card-move select').selectOption(pipeline.stages[1].id);

    // Assert: the message, and the card back in its column
    await page.getByText(`Refused ${tag} could not be moved`).waitFor();
    await expect
      .poll(() => page.locator('section.column').first().locator(`[data-deal="${deal.id}"]`).count())
      .toBe(1);
    expect((await alice.ok('GET', `/deals/${deal.id}`)).stageId).toBe(pipeline.stages[0].id);
  });

  it('shows an edited field as a sentence in the timeline', async () => {
    const page = await newPage();
    await signIn(page, 'Alice Martin', `/app/deals/${dealId}`);
    await page.getByLabel('Next step', { exact: true }).fill('Call the CFO');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Alice Martin changed Next step from nothing to “Call the CFO”').waitFor();
    expect((await alice.ok('GET', `/deals/${dealId}`)).nextStep).toBe('Call the CFO');

    // ...and in French
    await page.getByLabel('Language').first().selectOption('fr');
    await page.getByText('Alice Martin a modifié Prochaine étape de rien à “Call the CFO”').waitFor();
  });

  it('explains a stale edit (412) from a second tab and keeps what was typed', async () => {
    // Arrange: two tabs on the same deal
    const first = await newPage();
    await signIn(first, 'Alice Martin', `/app/deals/${dealId}`);
    const second = await newPage();
    await signIn(second, 'Alice Martin', `/app/deals/${dealId}`);

    // Act: the second tab saves first, then the first one
    await second.getByLabel('Competitor', { exact: true }).fill('Globex');
    await second.getByRole('button', { name: 'Save', exact: true }).click();
    await second.getByText('Saved.').first().waitFor();
    await first.getByLabel('Source', { exact: true }).fill('Trade fair');
    await first.getByRole('button', { name: 'Save', exact: true }).click();

    // Assert: explained, with the new value, and the typed value kept
    await first.getByText('Someone else changed this deal').waitFor();
    await first.getByText('now: Globex').waitFor();
    expect(await first.getByLabel('Source', { exact: true }).inputValue()).toBe('Trade fair');
    // Saving again applies it on top of the other tab's change.
    await first.getByRole('button', { name: 'Save', exact: true }).click();
    await first.getByText('Saved.').first().waitFor();
    const deal = await alice.ok('GET', `/deals/${dealId}`);
    expect([deal.source, deal.competitor]).toEqual(['Trade fair', 'Globex']);
  });

  it("shows alice her deals only, and maya everyone's", async () => {
    // Arrange: bob's deal with the same tag
    await bob.ok('POST', '/deals', { name: `Bob deal ${tag}` }, 201);
    const board = `/app/board?q=${tag}`;

    // Act + Assert: alice, even asking for everyone
    const page = await newPage();
    await signIn(page, 'Alice Martin', `${board}&owner=all`);
    await page.getByRole('link', { name: `Rollout ${tag}` }).waitFor();
    expect(await page.getByRole('link', { name: `Bob deal ${tag}` }).count()).toBe(0);

    // maya starts on everyone's deals
    const manager = await newPage();
    await signIn(manager, 'Maya Chen', board);
    await manager.getByRole('link', { name: `Bob deal ${tag}` }).waitFor();
    await manager.getByRole('link', { name: `Rollout ${tag}` }).waitFor();
  });

  it('lets a manager add a stage and name it in French', async () => {
    // Arrange: a pipeline of its own, so other journeys keep the default one
    const created = await maya.ok(
      'POST',
      '/pipelines',
      {
        name: `Renewals ${tag}`,
        stages: [
          { name: 'Contacted', probability: 30, kind: 'open' },
          { name: 'Renewed', probability: 100, kind: 'won' },
          { name: 'Churned', probability: 0, kind: 'lost' },
        ],
      },
      201,
    );
    const page = await newPage();
    await signIn(page, 'Maya Chen', `/app/settings?pipeline=${created.id}`);

    // Act
    await page.getByRole('button', { name: 'Add a stage' }).click();
    await page.getByLabel('Name (Stage 2)', { exact: true }).fill('Negotiation');
    await page.getByLabel('Name (French) (Stage 2)').fill('Négociation');
    await page.getByLabel('Probability (%) (Stage 2)').fill('70');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Pipeline saved.').waitFor();

    // Assert
    const saved = await maya.ok('GET', `/pipelines/${created.id}`);
    expect(saved.stages.map((s: any) => s.name)).toEqual(['Contacted', 'Negotiation', 'Renewed', 'Churned']);
    expect(saved.stages[1]).toMatchObject({ names: { fr: 'Négociation' }, probability: 70, kind: 'open' });
    // The French board shows it.
    await page.getByLabel('Language').first().selectOption('fr');
    await page.goto(url(`/board?pipeline=${created.id}`));
    await page.getByRole('heading', { name: 'Négociation' }).waitFor();
  });

  it('draws every screen at 1280 and 390 px with no serious axe violation and no CSP error', async () => {
    const shot = screenshots('console');
    const axe = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
    const contact = (await alice.ok('GET', '/contacts?limit=200')).items[0];
    const company = await alice.ok('POST', '/companies', { name: `Acme ${tag}` }, 201);
    const screens: [string, string, string][] = [
      ['board', `/board?q=${tag}`, 'Deals board'],
      ['list', `/deals?q=${tag}`, 'Deals'],
      ['deal', `/deals/${dealId}`, `Rollout ${tag}`],
      ['new-deal', '/deals/new', 'New deal'],
      ['contacts', '/contacts', 'Contacts'],
      ['contact', `/contacts/${contact.id}`, contact.name],
      ['companies', '/companies', 'Companies'],
      ['company', `/companies/${company.id}`, company.name],
      ['products', '/products', 'Products'],
      ['settings', '/settings', 'Pipeline settings'],
    ];
    const failures: string[] = [];
    for (const width of [1280, 390]) {
      const page = await newPage(width);
      await page.goto(url('/sign-in'));
      await page.getByRole('button', { name: 'Sign in as Maya Chen' }).waitFor();
      await audit(page, 'sign-in', width);
      await shot(page, `sign-in-${width}`);
      await page.getByRole('button', { name: 'Sign in as Maya Chen' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      for (const [name, route, heading] of screens) {
        await page.goto(url(route));
        await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
        await page.waitForLoadState('networkidle');
        await audit(page, name, width);
        await shot(page, `${name}-${width}`);
      }
      // At 390 px nothing spills sideways out of the page.
      if (width === 390) {
        await page.goto(url(`/deals/${dealId}`));
        await page.getByRole('heading', { name: `Rollout ${tag}` }).waitFor();
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
    }
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);

    async function audit(page: Page, name: string, width: number) {
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(axe);
      const violations = await page.evaluate(async () => {
        const results = await (window as any).axe.run(document, { resultTypes: ['violations'] });
        return (results.violations as any[]).map((v) => ({
          id: v.id as string,
          impact: v.impact as string,
          nodes: (v.nodes as any[]).slice(0, 3).map((n) => (n.target as string[]).join(' ')),
        }));
      });
      for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        failures.push(`${name} @${width}: ${v.id} ${v.nodes.join(', ')}`);
      }
    }
  });
});
