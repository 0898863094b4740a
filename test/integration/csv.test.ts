import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { User } from '#contracts/actor';
import { BOM, parseCsv } from '#domain/csv';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { call, users } from '#test/api';
import { eventually } from '#test/eventually';
import { rep } from '#test/fixtures';
import { DEAL_COLUMNS } from '../../functions/services/csv.ts';

const HOSTILE = {
  name: '=HYPERLINK("http://evil.example","click")',
  nextStep: '+33 6 12 34 56 78',
  competitor: '-2+3',
  source: '@SUM(A1:A9)',
  description: '\t=cmd|\' /C calc\'!A0\nsecond line, with "quotes"',
};

function csvFile(rows: string[][]): string {
  return `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}

function importFile(user: User, text: string, query: Record<string, string> = {}, contentType = 'text/csv') {
  return call('POST', '/deals/import', { user, raw: text, headers: { 'content-type': contentType }, query });
}

async function dealsOf(owner: User) {
  return (await call('GET', '/deals', { user: owner, query: { limit: '200' } })).body.items as {
    id: string;
    name: string;
    amount: number;
    currency: string;
    stageId: string;
    status: string;
    lossReason?: string;
    closedAt?: string;
    probability: number;
  }[];
}

describe('GET /deals.csv', () => {
  let owner: User;
  beforeAll(async () => {
    owner = rep('export');
    for (const body of [
      { ...HOSTILE, amount: 123_456, currency: 'EUR', closeDate: '2030-01-10' },
      { name: 'Yen deal', amount: 1_500, currency: 'JPY', closeDate: '2030-02-10', stageId: 'closed-won' },
      { name: 'Dinar deal', amount: 1_234, currency: 'BHD', closeDate: '2030-03-10' },
    ]) {
      expect((await call('POST', '/deals', { user: owner, body })).status).toBe(201);
    }
  });

  it('answers every deal of the filters as UTF-8 CSV with a BOM, decimal money and neutralised cells', async () => {
    // Act
    const res = await call('GET', '/deals.csv', { user: owner });
    // Assert
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="deals-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers['x-row-count']).toBe('3');
    expect(res.text.startsWith(BOM)).toBe(true);
    const [header, ...rows] = parseCsv(res.text.slice(1)).map((r) => r.fields);
    expect(header).toEqual([...DEAL_COLUMNS]);
    const col = (row: string[] | undefined, name: (typeof DEAL_COLUMNS)[number]) =>
      row?.[DEAL_COLUMNS.indexOf(name)];
    const [eur, jpy, bhd] = rows;
    expect([col(eur, 'amount'), col(eur, 'currency'), col(eur, 'weightedAmount')]).toEqual([
      '1234.56',
      'EUR',
      '246.91',
    ]);
    expect([col(jpy, 'amount'), col(jpy, 'currency'), col(jpy, 'status')]).toEqual(['1500', 'JPY', 'won']);
    expect([col(bhd, 'amount'), col(bhd, 'currency')]).toEqual(['1.234', 'BHD']);
    expect(col(eur, 'name')).toBe(`'${HOSTILE.name}`);
    expect(col(eur, 'nextStep')).toBe(`'${HOSTILE.nextStep}`);
    expect(col(eur, 'competitor')).toBe(`'${HOSTILE.competitor}`);
    expect(col(eur, 'source')).toBe(`'${HOSTILE.source}`);
    expect(col(eur, 'description')).toBe(`'${HOSTILE.description}`);
    expect(col(eur, 'stageName')).toBe('Appointment scheduled');
    // No cell of the file starts like a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+@\t\r]|^-[^0-9]/);
  });

  it('applies the filters of GET /deals and continues with x-next-cursor past the limit', async () => {
    const won = await call('GET', '/deals.csv', { user: owner, query: { status: 'won' } });
    expect(parseCsv(won.text.slice(1))).toHaveLength(2);
    const first = await call('GET', '/deals.csv', { user: owner, query: { limit: '2' } });
    expect(parseCsv(first.text.slice(1))).toHaveLength(3);
    const cursor = first.headers['x-next-cursor'];
    expect(cursor).toBeDefined();
    const rest = await call('GET', '/deals.csv', {
      user: owner,
      query: { limit: '2', cursor: String(cursor) },
    });
    expect(
      parseCsv(rest.text.slice(1))
        .slice(1)
        .map((r) => r.fields[1]),
    ).toEqual(['Dinar deal']);
    expect(rest.headers['x-next-cursor']).toBeUndefined();
  });

  it('gives a rep their own deals only', async () => {
    const other = await call('GET', '/deals.csv', { user: rep('nobody') });
    expect(parseCsv(other.text.slice(1))).toHaveLength(1);
  });
});

describe('POST /deals/import', () => {
  let pipelineName: string;
  let pipelineId: string;
  beforeAll(async () => {
    pipelineName = `Import ${ulid()}`;
    const res = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: pipelineName,
        followUpDays: 0,
        stages: [
          { id: 'lead', name: 'Lead', probability: 10, kind: 'open' },
          { id: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
          { id: 'won', name: 'Won', probability: 100, kind: 'won' },
          { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
        ],
      },
    });
    pipelineId = res.body.id;
  });

  function file(prefix: string, changes: Record<string, string[]> = {}) {
    const rows = [
      [
        'externalId',
        'Name',
        'Pipeline',
        'Stage',
        'Amount',
        'Currency',
        'Close Date',
        'probability',
        'lossReason',
        'source',
      ],
      [`${prefix}-1`, '"Acme, Inc."', pipelineName, 'Lead', '1200.50', 'EUR', '2030-05-31', '', '', 'fair'],
      [`${prefix}-2`, 'Beta', pipelineId, 'proposal', '99', 'usd', '2030-06-30', '35%', '', ''],
      [`${prefix}-3`, 'Gamma', pipelineName, 'Won', '1500', 'JPY', '2030-01-01', '', '', ''],
      [`${prefix}-4`, `"'=1+2"`, pipelineName, 'Lost', '10.00', 'EUR', '2030-01-01', '', 'Price', ''],
      [`${prefix}-5`, 'Bad amount', pipelineName, 'Lead', '"12,50"', 'EUR', '2030-01-01', '', '', ''],
      [`${prefix}-6`, 'Bad stage', pipelineName, 'Negotiation', '1', 'EUR', '2030-01-01', '', '', ''],
    ];
    return csvFile(rows.map((r) => changes[r[0] ?? ''] ?? r));
  }

  it("answers another rep's deal id exactly as an unknown id", async () => {
    // Arrange: bob's deal, and an id nobody has.
    const bob = rep('bob');
    const alice = rep('alice');
    const theirs = (await call('POST', '/deals', { user: bob, body: { name: 'Not yours' } })).body
      .id as string;
    const unknown = ulid();
    const rows = (id: string) =>
      csvFile([
        ['id', 'name'],
        [id, 'Renamed'],
      ]);

    // Act
    const other = await importFile(alice, rows(theirs), { dryRun: 'true' });
    const none = await importFile(alice, rows(unknown), { dryRun: 'true' });

    // Assert: the same answer, but for the id itself.
    expect(other.status).toBe(none.status);
    expect(JSON.stringify(other.body).replaceAll(theirs, 'ID')).toBe(
      JSON.stringify(none.body).replaceAll(unknown, 'ID'),
    );
    expect(other.body.errors[0].problems[0].message).toBe(
      `no deal "${theirs}" (leave id empty to create deals)`,
    );
  });

  it('validates every row on a dry run and writes nothing', async () => {
    // Arrange
    const owner = rep('dry');
    // Act
    const res = await importFile(owner, file(`dry-${ulid()}`), { dryRun: 'true' });
    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      rows: 6,
      created: 4,
      updated: 0,
      unchanged: 0,
      rejected: 2,
    });
    expect(res.body.errors).toEqual([
      {
        line: 6,
        externalId: expect.stringMatching(/-5$/),
        problems: [{ column: 'Amount', message: expect.stringMatching(/decimal number/) }],
      },
      {
        line: 7,
        externalId: expect.stringMatching(/-6$/),
        problems: [{ column: 'Stage', message: `no stage "Negotiation" in pipeline "${pipelineName}"` }],
      },
    ]);
    expect(await dealsOf(owner)).toEqual([]);
  });

  it('imports the valid rows with their events and lookups, and changes nothing the second time', async () => {
    // Arrange
    const owner = rep('import');
    const prefix = `imp-${ulid()}`;
    // Act
    const first = await importFile(owner, file(prefix));
    const again = await importFile(owner, file(prefix));
    // Assert
    expect(first.body).toMatchObject({ dryRun: false, created: 4, updated: 0, unchanged: 0, rejected: 2 });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 4, rejected: 2 });
    const deals = await dealsOf(owner);
    expect(deals).toHaveLength(4);
    const byName = new Map(deals.map((d) => [d.name, d]));
    expect(byName.get('Acme, Inc.')).toMatchObject({
      amount: 120_050,
      currency: 'EUR',
      stageId: 'lead',
      probability: 10,
    });
    expect(byName.get('Beta')).toMatchObject({
      amount: 9_900,
      currency: 'USD',
      stageId: 'proposal',
      probability: 35,
    });
    expect(byName.get('Gamma')).toMatchObject({ amount: 1_500, currency: 'JPY', status: 'won' });
    expect(byName.get('=1+2')).toMatchObject({ amount: 1_000, status: 'lost', lossReason: 'Price' });
    const lookup = await db.send(new GetCommand({ TableName: table(), Key: keys.externalId(`${prefix}-2`) }));
    expect(lookup.Item?.dealId).toBe(byName.get('Beta')?.id);
    const timeline = (await call('GET', `/deals/${byName.get('Beta')?.id}/timeline`, { user: owner })).body
      .items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['deal.created']);
    expect(timeline[0].data.importedAs).toBe(`${prefix}-2`);
  });

  it('updates the deals of known externalIds with the cells that changed', async () => {
    // Arrange
    const owner = rep('update');
    const prefix = `upd-${ulid()}`;
    await importFile(owner, file(prefix));
    // Act: Acme's amount changes, Beta is lost; the other rows are as before.
    const res = await importFile(
      owner,
      file(prefix, {
        [`${prefix}-1`]: [
          `${prefix}-1`,
          '"Acme, Inc."',
          pipelineName,
          'Lead',
          '1300',
          'EUR',
          '2030-05-31',
          '',
          '',
          'fair',
        ],
        [`${prefix}-2`]: [
          `${prefix}-2`,
          'Beta',
          pipelineId,
          'Lost',
          '99',
          'USD',
          '2030-06-30',
          '',
          'Timing',
          '',
        ],
      }),
    );
    // Assert
    expect(res.body).toMatchObject({ created: 0, updated: 2, unchanged: 2, rejected: 2 });
    const byName = new Map((await dealsOf(owner)).map((d) => [d.name, d]));
    expect(byName.get('Acme, Inc.')?.amount).toBe(130_000);
    expect(byName.get('Beta')).toMatchObject({ status: 'lost', lossReason: 'Timing', probability: 0 });
    const timeline = (await call('GET', `/deals/${byName.get('Beta')?.id}/timeline`, { user: owner })).body
      .items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['deal.stage_changed', 'deal.created']);
    const acme = (await call('GET', `/deals/${byName.get('Acme, Inc.')?.id}/timeline`, { user: owner })).body
      .items;
    expect(acme[0].data.changes).toEqual(
      expect.arrayContaining([{ field: 'amount', from: 120_050, to: 130_000 }]),
    );
  });

  it('imports an export back unchanged, neutralised cells included', async () => {
    // Arrange
    const owner = rep('roundtrip');
    await call('POST', '/deals', { user: owner, body: { ...HOSTILE, amount: 5_050, currency: 'EUR' } });
    await call('POST', '/deals', { user: owner, body: { name: 'Plain', amount: 1_500, currency: 'JPY' } });
    const exported = (await call('GET', '/deals.csv', { user: owner })).text;
    // Act
    const res = await importFile(owner, exported);
    // Assert
    expect(res.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(res.body.ignoredColumns).toEqual(
      expect.arrayContaining([
        'pipelineName',
        'stageName',
        'status',
        'weightedAmount',
        'createdAt',
        'version',
      ]),
    );
  });

  it("rejects a rep's row for another owner, and accepts it from a manager", async () => {
    const owner = rep('owner');
    const text = csvFile([
      ['externalId', 'name', 'ownerId', 'amount'],
      [`own-${ulid()}`, 'Handed', owner.id, '10'],
    ]);
    const byRep = await importFile(rep('rep'), text);
    expect(byRep.body).toMatchObject({ created: 0, rejected: 1 });
    expect(byRep.body.errors[0].problems[0].message).toMatch(/only managers/);
    const byManager = await importFile(users.maya, text);
    expect(byManager.body).toMatchObject({ created: 1, rejected: 0 });
    expect((await dealsOf(owner)).map((d) => d.name)).toEqual(['Handed']);
  });

  it('refuses a malformed file whole, with a clear 4xx, and writes nothing', async () => {
    const owner = rep('malformed');
    const id = () => `bad-${ulid()}`;
    const cases: [string, string, number, RegExp][] = [
      [
        'bad quoting',
        `externalId,name\r\n${id()},"unclosed\r\n${id()},ok\r\n`,
        400,
        /not valid CSV.*line 2.*never closed/,
      ],
      ['a stray quote', `externalId,name\r\n${id()},ab"c\r\n`, 400, /not valid CSV/],
      ['no header', `${id()},Acme,1200.00\r\n`, 422, /header row/],
      [
        'unknown columns',
        `externalId,name,contactEmail\r\n${id()},Acme,a@b.c\r\n`,
        422,
        /header row has problems/,
      ],
      [
        'ragged rows',
        `externalId,name\r\n${id()},Acme,extra\r\n${id()},Fine\r\n`,
        422,
        /do not have the 2 fields/,
      ],
      ['no rows', 'externalId,name\r\n', 422, /no deals/],
      [
        'wrong encoding',
        Buffer.from(`externalId,name\r\n${id()},Caf\xe9\r\n`, 'latin1').toString('utf8'),
        400,
        /not valid UTF-8/,
      ],
    ];
    for (const [what, text, status, message] of cases) {
      const res = await importFile(owner, text);
      expect(res.status, what).toBe(status);
      expect(res.body.error.message, what).toMatch(message);
    }
    const latin = await importFile(
      owner,
      `externalId,name\r\n${id()},Cafe\r\n`,
      {},
      'text/csv; charset=iso-8859-1',
    );
    expect(latin.status).toBe(415);
    const json = await call('POST', '/deals/import', { user: owner, body: { externalId: 'x' } });
    expect(json.status).toBe(415);
    const unknown = await importFile(owner, `externalId,name,contactEmail\r\n${id()},Acme,a@b.c\r\n`);
    expect(unknown.body.error.details).toEqual([
      { path: 'header', message: 'unknown column "contactEmail"' },
    ]);
    expect(await dealsOf(owner)).toEqual([]);
  });

  it('answers the rows it had no time to write as postponed, and the same file again finishes', async () => {
    // Arrange: a write budget already spent when the writes start.
    const owner = rep('late');
    const text = csvFile([
      ['externalId', 'name'],
      [`late-${ulid()}`, 'One'],
      [`late-${ulid()}`, 'Two'],
    ]);
    process.env.IMPORT_WRITE_BUDGET_MS = '-1';
    let first: Awaited<ReturnType<typeof importFile>>;
    try {
      // Act
      first = await importFile(owner, text);
    } finally {
      delete process.env.IMPORT_WRITE_BUDGET_MS;
    }
    const second = await importFile(owner, text);
    // Assert
    expect(first.body).toMatchObject({ created: 0, postponed: 2, rejected: 0 });
    expect(second.body).toMatchObject({ created: 2, postponed: 0 });
  });

  it('bumps the won counters of contacts and companies, so their next deal is a repeat', async () => {
    // Arrange: won deals bump counters (an update), so they go in transactions, not batch writes.
    const owner = rep('counters');
    const company = (await call('POST', '/companies', { user: owner, body: { name: 'Counted SA' } })).body;
    const contact = (
      await call('POST', '/contacts', {
        user: owner,
        body: { name: 'Counted', email: 'counted@example.com', companyId: company.id },
      })
    ).body;
    const prefix = `won-${ulid()}`;
    const text = csvFile([
      ['externalId', 'name', 'pipeline', 'stage', 'contactId', 'companyId'],
      [`${prefix}-1`, 'Won one', pipelineName, 'Won', contact.id, company.id],
      [`${prefix}-2`, 'Won two', pipelineName, 'Won', contact.id, ''],
      [`${prefix}-3`, 'Still open', pipelineName, 'Lead', contact.id, ''],
    ]);
    // Act
    const first = await importFile(owner, text);
    const again = await importFile(owner, text);
    const next = await call('POST', '/deals', { user: owner, body: { name: 'Next', contactId: contact.id } });
    // Assert
    expect(first.body).toMatchObject({ created: 3, rejected: 0 });
    expect(again.body).toMatchObject({ created: 0, unchanged: 3 });
    const counters = async (key: ReturnType<typeof keys.record>) =>
      (await db.send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item?._wonDeals;
    expect(await counters(keys.record('Contact', contact.id))).toBe(2);
    expect(await counters(keys.record('Company', company.id))).toBe(1);
    expect(next.body.repeat).toBe(true);
    const deals = await dealsOf(owner);
    expect(deals.filter((d) => d.status === 'won')).toHaveLength(2);
  });

  it('counts imported and re-imported deals in the reports', async () => {
    // Arrange
    const owner = rep('reported');
    const prefix = `rep-${ulid()}`;
    const rows = (amount: string) =>
      csvFile([
        ['externalId', 'name', 'pipeline', 'stage', 'amount', 'currency'],
        [`${prefix}-1`, 'One', pipelineName, 'Lead', amount, 'EUR'],
        [`${prefix}-2`, 'Two', pipelineName, 'Proposal', '200', 'EUR'],
        [`${prefix}-3`, 'Three', pipelineName, 'Won', '300', 'EUR'],
      ]);
    const stages = async () => {
      const res = await call('GET', '/reports/pipeline', { user: owner, query: { pipelineId } });
      return (res.body.stages as { stageId: string; count: number; totals: { amount: number }[] }[]).map(
        (s) => [s.stageId, s.count, s.totals[0]?.amount ?? 0],
      );
    };
    // Act
    await importFile(owner, rows('100'));
    // Assert
    await eventually(async () =>
      expect(await stages()).toEqual([
        ['lead', 1, 10_000],
        ['proposal', 1, 20_000],
        ['won', 1, 30_000],
        ['lost', 0, 0],
      ]),
    );
    // Act: the same file with One's amount changed.
    await importFile(owner, rows('150'));
    // Assert
    await eventually(async () => expect((await stages())[0]).toEqual(['lead', 1, 15_000]));
  });

  it('lets one import write at a time: another gets 409 and nothing is written', async () => {
    // Arrange: someone else's import holds the lease.
    const owner = rep('lease');
    const text = csvFile([
      ['externalId', 'name'],
      [`lease-${ulid()}`, 'Waiting'],
    ]);
    const startedAt = new Date().toISOString();
    const holder = {
      id: ulid(),
      holderId: users.maya.id,
      holderName: 'Maya',
      startedAt,
      until: new Date(Date.now() + 60_000).toISOString(),
    };
    await db.send(new PutCommand({ TableName: table(), Item: { ...keys.importLock(), ...holder } }));
    let busy: Awaited<ReturnType<typeof importFile>>;
    let dryRun: Awaited<ReturnType<typeof importFile>>;
    try {
      // Act
      busy = await importFile(owner, text);
      dryRun = await importFile(owner, text, { dryRun: 'true' });
    } finally {
      await db.send(new DeleteCommand({ TableName: table(), Key: keys.importLock() }));
    }
    const after = await importFile(owner, text);
    // Assert
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe(
      `another import is running (started by Maya at ${startedAt}): send this file again when it has finished`,
    );
    expect(dryRun.body).toMatchObject({ dryRun: true, created: 1 });
    expect(after.body).toMatchObject({ created: 1 });
    expect((await dealsOf(owner)).map((d) => d.name)).toEqual(['Waiting']);
    const lease = await db.send(new GetCommand({ TableName: table(), Key: keys.importLock() }));
    expect(lease.Item).toBeUndefined();
  });

  it('never creates a deal twice when the same file is imported twice at once', async () => {
    // Arrange
    const owner = rep('twice');
    const prefix = `twice-${ulid()}`;
    const text = csvFile([
      ['externalId', 'name'],
      ...Array.from({ length: 60 }, (_, i) => [`${prefix}-${i}`, `Deal ${i}`]),
    ]);
    // Act
    const answers = await Promise.all([importFile(owner, text), importFile(owner, text)]);
    // Assert: one wins; the other was told to wait, or (if it started after) found everything there.
    const created = answers.filter((a) => a.status === 200).map((a) => a.body.created);
    expect(created.reduce((sum, n) => sum + n, 0)).toBe(60);
    for (const answer of answers) {
      if (answer.status !== 200) expect(answer.status).toBe(409);
      else expect(answer.body.created === 60 || answer.body.unchanged === 60).toBe(true);
    }
    const deals = await dealsOf(owner);
    expect(deals).toHaveLength(60);
    expect(new Set(deals.map((d) => d.name)).size).toBe(60);
  });

  it('takes over the lease of an import that died without giving it back', async () => {
    // Arrange: a lease past its time.
    const owner = rep('lapsed');
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.importLock(),
          id: ulid(),
          holderId: 'gone',
          holderName: 'Gone',
          startedAt: new Date(Date.now() - 120_000).toISOString(),
          until: new Date(Date.now() - 60_000).toISOString(),
        },
      }),
    );
    // Act
    const res = await importFile(
      owner,
      csvFile([
        ['externalId', 'name'],
        [`lapsed-${ulid()}`, 'After'],
      ]),
    );
    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1 });
  });

  it('finishes an import that stopped after writing a lookup, under the id the lookup holds', async () => {
    // Arrange: what a dead import leaves after rounds 1 and 2 (lookup and created event), not 3.
    const owner = rep('finish');
    const externalId = `cut-${ulid()}`;
    const dealId = ulid();
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: { ...keys.externalId(externalId), entity: 'ExternalId', externalId, dealId },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.event(dealId, dealId),
          entity: 'Event',
          id: dealId,
          dealId,
          type: 'deal.created',
          at: new Date().toISOString(),
          actor: { type: 'user', id: owner.id },
          data: {},
        },
      }),
    );
    const text = csvFile([
      ['externalId', 'name', 'amount'],
      [externalId, 'Finished', '42'],
    ]);
    // Act
    const dry = await importFile(owner, text, { dryRun: 'true' });
    const res = await importFile(owner, text);
    const again = await importFile(owner, text);
    // Assert
    expect(dry.body).toMatchObject({ created: 1, rejected: 0 });
    expect(res.body).toMatchObject({ created: 1, rejected: 0 });
    expect(again.body).toMatchObject({ created: 0, unchanged: 1 });
    const deal = await call('GET', `/deals/${dealId}`, { user: owner });
    expect(deal.status).toBe(200);
    expect(deal.body).toMatchObject({ id: dealId, name: 'Finished', amount: 4_200 });
    const timeline = (await call('GET', `/deals/${dealId}/timeline`, { user: owner })).body.items;
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ id: dealId, type: 'deal.created', data: { importedAs: externalId } });
  });

  it('postpones the rows DynamoDB keeps throttling, and the next import finishes them', async () => {
    // Arrange: DynamoDB (which cannot be made to throttle here) leaves every deal put unprocessed,
    // so the import stops after its lookups and events, as one cut short would.
    const owner = rep('throttled');
    const prefix = `thr-${ulid()}`;
    const text = csvFile([
      ['externalId', 'name'],
      [`${prefix}-1`, 'One'],
      [`${prefix}-2`, 'Two'],
    ]);
    const send = db.send.bind(db) as (command: unknown) => Promise<unknown>;
    const throttle = vi.spyOn(db, 'send').mockImplementation((async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        const requests = command.input.RequestItems?.[table()] ?? [];
        if (requests.some((r) => r.PutRequest?.Item?.entity === 'Deal')) {
          return { UnprocessedItems: { [table()]: requests } };
        }
      }
      return send(command);
    }) as typeof db.send);
    let first: Awaited<ReturnType<typeof importFile>>;
    try {
      // Act
      first = await importFile(owner, text);
    } finally {
      throttle.mockRestore();
    }
    const lookups = await Promise.all(
      [1, 2].map((n) =>
        db.send(new GetCommand({ TableName: table(), Key: keys.externalId(`${prefix}-${n}`) })),
      ),
    );
    const between = await dealsOf(owner);
    const second = await importFile(owner, text);
    // Assert
    expect(first.body).toMatchObject({ created: 0, postponed: 2, rejected: 0 });
    expect(between).toEqual([]);
    expect(second.body).toMatchObject({ created: 2, postponed: 0 });
    const deals = await dealsOf(owner);
    expect(deals.map((d) => d.id).sort()).toEqual(lookups.map((l) => String(l.Item?.dealId)).sort());
    for (const deal of deals) {
      const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
      expect(timeline.map((e: { id: string; type: string }) => [e.id, e.type])).toEqual([
        [deal.id, 'deal.created'],
      ]);
    }
  });

  it('refuses more than 10,000 rows with 413', async () => {
    const rows = Array.from({ length: 10_001 }, (_, i) => `x-${i},n`);
    const res = await importFile(rep(), `externalId,name\r\n${rows.join('\r\n')}\r\n`);
    expect(res.status).toBe(413);
  });
});
