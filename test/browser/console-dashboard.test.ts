import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireImportLease, releaseImportLease } from '#store/import-lock';
import { consoleSuite } from './support/console-suite.ts';
import { type RepClient, repClient, screenshots } from './support/stack.ts';

/**
 * The console's dashboard, My tasks and CSV import in Chromium against the real handlers. A rep of
 * our own (a fresh id) owns a known set of deals, so every report figure the dashboard shows can
 * be compared with what the report routes answer for the same rep.
 */

const suite = consoleSuite({ ignoreConsole: /status of 4\d\d/ });
const { problems, newPage, url } = suite;

/** Signs in through the local sign-in page as any user id ("Another user"). */
async function signInAs(page: Page, userId: string, then: string) {
  await page.goto(url(then));
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Money as the console shows it in en-GB. */
const money = (minor: number, currency: string) => {
  const digits = currency === 'JPY' ? 0 : 2;
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 10 ** digits);
};
const moneyLines = (
  totals: { currency: string; amount: number; weightedAmount: number }[],
  key: 'amount' | 'weightedAmount',
) => (totals.length === 0 ? '0' : totals.map((m) => money(m[key], m.currency)).join(''));

function monthOffset(n: number): string {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 15)).toISOString().slice(0, 10);
}

async function until(ok: () => Promise<boolean>, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('the report aggregates did not follow in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function cell(page: Page, report: string, row: string, name: string): Promise<string> {
  const text = await page
    .locator(`table[data-report="${report}"] tr[data-row="${row}"] [data-cell="${name}"]`)
    .textContent();
  return (text ?? '').trim();
}

describe('the dashboard, tasks and import screens', () => {
  let rep: RepClient;
  let pipeline: any;
  const tag = ulid().slice(-6).toLowerCase();
  const deals: Record<string, any> = {};

  beforeAll(async () => {
    rep = await repClient(suite.stack.baseUrl, `dash-${tag}`);
    pipeline = (await rep.ok('GET', '/pipelines')).items.find((p: any) => p.isDefault);
    const [first, second] = pipeline.stages;
    const won = pipeline.stages.find((s: any) => s.kind === 'won');
    const lost = pipeline.stages.find((s: any) => s.kind === 'lost');
    const create = (name: string, amount: number, currency: string, stageId: string, closeDate: string) =>
      rep.ok('POST', '/deals', { name: `${name} ${tag}`, amount, currency, stageId, closeDate }, 201);
    // A known data set in two currencies: open deals this month and next, one won, two lost.
    deals.a = await create('Alpha', 100_000, 'EUR', first.id, monthOffset(0));
    deals.b = await create('Bravo', 250_000, 'EUR', second.id, monthOffset(1));
    deals.c = await create('Charlie', 80_000, 'USD', second.id, monthOffset(1));
    deals.d = await create('Delta', 120_000, 'EUR', first.id, monthOffset(0));
    deals.e = await create('Echo', 30_000, 'EUR', first.id, monthOffset(0));
    deals.f = await create('Foxtrot', 45_000, 'USD', first.id, monthOffset(0));
    await rep.ok('POST', `/deals/${deals.d.id}/stage`, { stageId: won.id });
    await rep.ok('POST', `/deals/${deals.e.id}/stage`, { stageId: lost.id, lossReason: 'price' });
    await rep.ok('POST', `/deals/${deals.f.id}/stage`, { stageId: lost.id, lossReason: 'timing' });
    // The reports read aggregates the stream keeps: wait until they hold every deal.
    await until(async () => (await rep.ok('GET', '/reports/owners')).owners[0]?.lost.count === 2);
    await until(async () => (await rep.ok('GET', '/reports/pipeline')).open.count === 3);
  });

  it("shows the API's report figures in the dashboard's tables, links the funnel to the board and downloads CSV", async () => {
    // Arrange: what the report routes answer for this rep
    const funnel = await rep.ok('GET', `/reports/pipeline?pipelineId=${pipeline.id}`);
    const from = monthOffset(0).slice(0, 7);
    const to = monthOffset(1).slice(0, 7);
    const forecast = await rep.ok('GET', `/reports/forecast?from=${from}&to=${to}&period=month`);
    const owners = await rep.ok('GET', `/reports/owners?from=${from}&to=${from}`);
    const losses = await rep.ok('GET', `/reports/loss-reasons?from=${from}&to=${from}`);

    // Act
    const page = await newPage();
    await signInAs(page, rep.id, `/dashboard?from=${from}&to=${to}`);
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    await page.locator('table[data-report="loss-reasons"]').waitFor();

    // Assert: the funnel, stage by stage, and its total
    for (const stage of funnel.stages.filter((s: any) => s.kind === 'open')) {
      expect(await cell(page, 'funnel', stage.stageId, 'count')).toBe(String(stage.count));
      expect(await cell(page, 'funnel', stage.stageId, 'amount')).toBe(moneyLines(stage.totals, 'amount'));
      expect(await cell(page, 'funnel', stage.stageId, 'weighted')).toBe(
        moneyLines(stage.totals, 'weightedAmount'),
      );
    }
    expect(await cell(page, 'funnel', 'total', 'amount')).toBe(moneyLines(funnel.open.totals, 'amount'));
    // Two currencies, never summed: EUR 3,500.00 and USD 800.00 open.
    expect(await cell(page, 'funnel', 'total', 'amount')).toBe(
      `${money(350_000, 'EUR')}${money(80_000, 'USD')}`,
    );
    // ...the forecast, period by period
    expect(forecast.periods).toHaveLength(2);
    for (const p of forecast.periods) {
      expect(await cell(page, 'forecast', p.period, 'openCount')).toBe(String(p.open.count));
      expect(await cell(page, 'forecast', p.period, 'openAmount')).toBe(moneyLines(p.open.totals, 'amount'));
      expect(await cell(page, 'forecast', p.period, 'openWeighted')).toBe(
        moneyLines(p.open.totals, 'weightedAmount'),
      );
      expect(await cell(page, 'forecast', p.period, 'wonAmount')).toBe(moneyLines(p.won.totals, 'amount'));
      expect(await cell(page, 'forecast', p.period, 'lostAmount')).toBe(moneyLines(p.lost.totals, 'amount'));
    }
    // ...the rep's row (the closed range stops this month)
    const mine = owners.owners[0];
    expect(await cell(page, 'owners', rep.id, 'wonCount')).toBe(String(mine.won.count));
    expect(await cell(page, 'owners', rep.id, 'lostAmount')).toBe(moneyLines(mine.lost.totals, 'amount'));
    expect(await cell(page, 'owners', rep.id, 'winRate')).toBe(
      new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 2 }).format(mine.winRate),
    );
    expect(await cell(page, 'owners', rep.id, 'openWeighted')).toBe(
      moneyLines(mine.open.totals, 'weightedAmount'),
    );
    // ...and the loss reasons
    expect(losses.reasons.map((r: any) => r.lossReason).sort()).toEqual(['price', 'timing']);
    for (const r of losses.reasons) {
      expect(await cell(page, 'loss-reasons', r.lossReason, 'count')).toBe(String(r.count));
      expect(await cell(page, 'loss-reasons', r.lossReason, 'amount')).toBe(moneyLines(r.totals, 'amount'));
    }

    // The forecast's CSV is the API's own file.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV (Forecast)' }).click(),
    ]);
    const file = readFileSync((await download.path()) as string, 'utf8');
    const api = await rep.ok('GET', `/reports/forecast?from=${from}&to=${to}&period=month&format=csv`);
    expect(file).toBe(`\ufeff${api}`);

    // A stage of the funnel opens the board on that stage alone.
    const second = pipeline.stages[1];
    await page.locator(`table[data-report="funnel"] tr[data-row="${second.id}"] a`).click();
    await page.getByText(`Showing one stage: ${second.name}.`).waitFor();
    expect(new URL(page.url()).searchParams.get('stage')).toBe(second.id);
    await page.getByRole('link', { name: `Bravo ${tag}` }).waitFor();
    expect(await page.locator('.column').count()).toBe(1);
    await page.getByRole('button', { name: 'Show every stage' }).click();
    await expect.poll(() => page.locator('.column').count()).toBe(pipeline.stages.length);
    expect(problems).toEqual([]);
  });

  it('shows a bad row in the dry run, explains a running import and postponed rows, then imports the other rows', async () => {
    // Arrange
    const csv = [
      'externalId,name,amount,currency,closeDate',
      `imp-1-${tag},Imported one ${tag},1200.50,EUR,${monthOffset(2)}`,
      `imp-2-${tag},Imported two ${tag},12.345,EUR,${monthOffset(2)}`,
      `imp-3-${tag},Imported three ${tag},800,USD,${monthOffset(2)}`,
    ].join('\r\n');
    const page = await newPage();
    await signInAs(page, rep.id, '/import');
    await page.getByRole('heading', { name: 'Import deals' }).waitFor();

    // Act: the dry run
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'deals.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByRole('heading', { name: '2. What the import will do' }).waitFor();

    // Assert: the dry run's counts and the bad row, nothing written yet
    const count = (label: string) =>
      page
        .locator('.import-counts div', { has: page.getByText(label, { exact: true }) })
        .locator('dd')
        .textContent();
    expect(await count('To create')).toBe('2');
    expect(await count('Rejected')).toBe('1');
    const rejected = page.getByRole('table', { name: 'Rows that will be rejected' });
    await expect.poll(() => rejected.locator('tbody tr').count()).toBe(1);
    const row = (await rejected.locator('tbody tr').textContent()) ?? '';
    expect(row).toContain('3');
    expect(row).toContain(`imp-2-${tag}`);
    expect(row).toContain('amount');
    expect((await rep.ok('GET', `/deals?q=${encodeURIComponent(`Imported one ${tag}`)}`)).items).toHaveLength(
      0,
    );
    await screenshots('import')(page, 'dry-run-1280');

    // Act: the real import while someone else's import holds the lease
    const lease = {
      id: ulid(),
      holderId: 'maya',
      holderName: 'Maya Chen',
      startedAt: new Date().toISOString(),
      until: new Date(Date.now() + 60_000).toISOString(),
    };
    expect((await acquireImportLease(lease)).ok).toBe(true);
    try {
      await page.getByRole('button', { name: 'Import 2 rows' }).click();
      // Assert: told who holds it and what to do, nothing written
      const busy = page.getByRole('alert').filter({ hasText: 'Another import is running' });
      await busy.waitFor();
      expect(await busy.textContent()).toContain('Started by maya');
      expect(await busy.textContent()).toContain('then try again');
    } finally {
      await releaseImportLease(lease.id);
    }
    expect((await rep.ok('GET', `/deals?q=${encodeURIComponent(`Imported one ${tag}`)}`)).items).toHaveLength(
      0,
    );

    // Act: again, with no time left to write (as when an import reaches its time budget)
    process.env.IMPORT_WRITE_BUDGET_MS = '0';
    try {
      await page.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('heading', { name: 'Import finished' }).waitFor();
      // Assert: postponed rows are explained, with the way to finish them
      expect(await count('Postponed')).toBe('2');
      await page.getByText('2 valid rows were not written in time').waitFor();
    } finally {
      delete process.env.IMPORT_WRITE_BUDGET_MS;
    }

    // Act: the same file again
    await page.getByRole('button', { name: 'Import the same file again' }).click();
    await expect.poll(() => count('Created')).toBe('2');

    // Assert
    const listed = await rep.ok('GET', `/deals?q=${encodeURIComponent(`Imported`)}&limit=200`);
    const names = listed.items.map((d: any) => d.name).filter((n: string) => n.endsWith(tag));
    expect(names.sort()).toEqual([`Imported one ${tag}`, `Imported three ${tag}`]);
    expect(problems).toEqual([]);
  });

  it('creates a task from a deal, lists it under Today in My tasks, and completes it in one click', async () => {
    // Arrange: an overdue task made through the API
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await rep.ok(
      'POST',
      `/deals/${deals.b.id}/tasks`,
      { type: 'email', title: `Late ${tag}`, dueAt: yesterday },
      201,
    );
    const page = await newPage();
    await signInAs(page, rep.id, `/deals/${deals.a.id}`);
    await page.getByRole('heading', { name: `Alpha ${tag}` }).waitFor();
    // The automatic follow-up is on the deal page.
    const tasks = page.getByRole('region', { name: 'Tasks' });
    await tasks.getByText(`Follow up: Alpha ${tag}`).waitFor();
    await expect.poll(() => tasks.getByText('Automatic follow-up').count()).toBe(1);

    // Act: a task for later today, from the deal page
    await tasks.getByRole('button', { name: 'New task' }).click();
    await tasks.getByLabel('Type').selectOption('meeting');
    await tasks.getByLabel('Title').fill(`Demo ${tag}`);
    const todayLocal = await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    });
    await tasks.getByLabel('Due date').fill(todayLocal);
    await tasks.getByLabel('Time').fill('23:59');
    await tasks.getByRole('button', { name: 'Add task' }).click();
    await tasks.getByText(`Demo ${tag}`).waitFor();

    // Assert: the API holds it, for this rep, today at 23:59 in the browser's time zone
    const created = (await rep.ok('GET', `/deals/${deals.a.id}/tasks`)).items.find(
      (t: any) => t.title === `Demo ${tag}`,
    );
    expect(created).toMatchObject({ type: 'meeting', assigneeId: rep.id, status: 'open' });

    // ...and My tasks shows it under Today, the follow-ups under Upcoming, the late one under Overdue
    await page.getByRole('link', { name: 'My tasks' }).click();
    await page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor();
    const group = (name: string) => page.getByRole('region', { name: new RegExp(`^${name}`) });
    await group('Today').getByText(`Demo ${tag}`).waitFor();
    await group('Overdue').getByText(`Late ${tag}`).waitFor();
    await group('Upcoming').getByText(`Follow up: Alpha ${tag}`).waitFor();

    // Act: done in one click
    await page.getByRole('button', { name: `Mark “Demo ${tag}” done` }).click();

    // Assert
    await expect.poll(() => group('Today').getByText(`Demo ${tag}`).count()).toBe(0);
    const after = (await rep.ok('GET', `/deals/${deals.a.id}/tasks`)).items.find(
      (t: any) => t.id === created.id,
    );
    expect(after.status).toBe('done');
    expect(problems).toEqual([]);
  });

  it('draws the new screens at 1280 and 390 px with no serious axe violation and nothing spilling sideways', async () => {
    const shot = screenshots('console-dashboard');
    const axe = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
    const from = monthOffset(-2).slice(0, 7);
    const to = monthOffset(3).slice(0, 7);
    const screens: [string, string, string][] = [
      ['dashboard', `/dashboard?from=${from}&to=${to}`, 'Dashboard'],
      ['dashboard-quarters', `/dashboard?period=quarter&from=${from}&to=${to}`, 'Dashboard'],
      ['tasks', '/tasks', 'My tasks'],
      ['import', '/import', 'Import deals'],
      ['deal', `/deals/${deals.b.id}`, `Bravo ${tag}`],
      ['board-stage', `/board?pipeline=${pipeline.id}&stage=${pipeline.stages[1].id}`, 'Deals board'],
    ];
    const failures: string[] = [];
    for (const width of [1280, 390]) {
      const page = await newPage(width);
      await signInAs(page, rep.id, '/board');
      for (const [name, route, heading] of screens) {
        await page.goto(url(route));
        await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
        await page.waitForLoadState('networkidle');
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
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) failures.push(`${name} @${width}: ${overflow} px wider than the window`);
        await shot(page, `${name}-${width}`);
      }
    }
    expect(failures).toEqual([]);
    expect(problems).toEqual([]);
  });
});
