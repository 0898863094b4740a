import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PDFParse } from 'pdf-parse';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#contracts/routes';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { type Bundles, synthBundles } from '#infra/local/bundles';
import { ensureTable } from '#infra/local/dynamodb';
import {
  type BundledFunctions,
  loadHandlers,
  loadScheduledHandler,
  loadStreamHandler,
  useBundles,
} from '#infra/local/handlers';
import { localSecret, signToken, verifyToken } from '#infra/local/jwt';
import { createLocalServer, type LocalServer } from '#infra/local/server';
import { type StreamPoller, startStreamPoller } from '#infra/local/stream-poller';
import { userFor } from '#infra/local/users';
import { functionPlans, stackFunctionNames } from '#infra/stack';
import { db } from '#store/client';
import { keys } from '#store/keys';
import { to, waitForEmails } from '#test/mail';
import { SIGNATURE } from '#test/signature';

/**
 * The quote journey through the bundles `cdk deploy` would upload, not the TypeScript sources: what
 * a bundle lacks (fonts, templates, locales) fails here. The bundled functions get a table of their
 * own, so the global setup's poller (which runs the source notify on the test table) never sees
 * their outbox: every email below was sent by the bundled notify.
 */
const SYNTH_TIMEOUT = 180_000;
const TABLE = 'closer-bundled';

const outdir = mkdtempSync(join(tmpdir(), 'closer-bundles-'));
let bundles: Bundles;
let functions: BundledFunctions | undefined;
let server: LocalServer | undefined;
let poller: StreamPoller | undefined;
let baseUrl: string;
let rep: string;
let manager: string;
/** Outbox records the bundled notify was handed. */
let notified = 0;

function dynamoEndpoint(): string {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: the global setup starts DynamoDB Local');
  return endpoint;
}

beforeAll(async () => {
  bundles = synthBundles(outdir);
  await ensureTable(dynamoEndpoint(), TABLE);
  functions = useBundles(bundles, { TABLE_NAME: TABLE });

  const secret = localSecret(outdir);
  server = createLocalServer({
    routes,
    handlers: loadHandlers(
      routes.map((r) => r.fn),
      'bundled',
    ),
    verify: (token) => verifyToken(token, secret),
  });
  baseUrl = await server.listen(0);
  rep = await signToken(userFor(`rep-${ulid().toLowerCase()}`), secret);
  manager = await signToken(userFor('maya'), secret);

  const notify = await loadStreamHandler('notify', 'bundled');
  if (!notify) throw new Error('no notify bundle');
  poller = startStreamPoller({
    endpoint: dynamoEndpoint(),
    tableName: TABLE,
    handler: (event, context) => {
      notified += event.Records.length;
      return notify(event, context);
    },
    functionName: 'notify',
    mapping: STREAM_MAPPINGS.notify,
    retryDelayMs: 100,
    log: (m: string, e?: unknown) => console.error('[bundled poller]', m, e),
  });
}, SYNTH_TIMEOUT);

afterAll(async () => {
  await poller?.stop();
  await server?.close();
  await functions?.stop();
  rmSync(outdir, { recursive: true, force: true });
});

/** An HTTP answer of the local server, body kept as bytes (PDFs) and read as text or JSON on demand. */
interface Answer {
  status: number;
  type: string;
  bytes: Buffer;
  json: () => any;
  text: () => string;
}

async function request(
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    bytes,
    json: () => JSON.parse(bytes.toString('utf8')),
    text: () => bytes.toString('utf8'),
  };
}

/** Text extraction breaks lines (and long words such as hashes) anywhere: compare without spaces. */
const squash = (text: string) => text.replace(/\s+/g, '');

async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return squash((await parser.getText()).text);
  } finally {
    await parser.destroy();
  }
}

/** A product (a manager's), a company, a contact and a deal with two lines, all over HTTP. */
async function quotableDeal() {
  const product = await request('POST', '/products', {
    token: manager,
    body: { name: 'Annual licence', unitPrice: 480_000, currency: 'EUR', taxRate: 20 },
  });
  expect(product.status).toBe(201);
  const company = await request('POST', '/companies', {
    token: rep,
    body: { name: 'Acme SAS', address: '1 rue de la Paix\n75002 Paris', vatNumber: 'FR12345678901' },
  });
  expect(company.status).toBe(201);
  const contact = await request('POST', '/contacts', {
    token: rep,
    body: {
      name: 'Jeanne Dupont',
      email: `jeanne-${ulid().toLowerCase()}@acme.example`,
      companyId: company.json().id,
      locale: 'fr',
    },
  });
  expect(contact.status).toBe(201);
  const deal = await request('POST', '/deals', {
    token: rep,
    body: {
      name: 'Acme rollout',
      contactId: contact.json().id,
      companyId: company.json().id,
      lines: [
        { productId: product.json().id, quantity: 2, discountPercent: 10 },
        { name: 'Training manual', quantity: 5, unitPrice: 4_500, taxRate: 5.5 },
      ],
    },
  });
  expect(deal.status).toBe(201);
  return { deal: deal.json() as { id: string }, contact: contact.json() as { email: string } };
}

describe('the bundled functions', () => {
  it('are the zipped assets of the synthesized stack, with templates/ where the plan ships it', () => {
    expect(Object.keys(bundles).sort()).toEqual([...stackFunctionNames()].sort());
    for (const fn of stackFunctionNames()) {
      const bundle = bundles[fn];
      expect(bundle.dir.startsWith(join(outdir, 'asset.'))).toBe(true);
      expect(bundle.file).toBe(join(bundle.dir, 'index.mjs'));
      expect(bundle.exportName).toBe('handler');
      expect(bundle.environment.TEMPLATES_DIR).toBe(
        functionPlans[fn].templates ? join(bundle.dir, 'templates') : undefined,
      );
    }
  });

  it('run the quote journey: create, PDF, send by email, open, sign, signed copy', async () => {
    // Arrange: the deal and its quote.
    const { deal, contact } = await quotableDeal();
    const created = await request('POST', `/deals/${deal.id}/quotes`, { token: rep, body: {} });
    expect(created.status).toBe(201);
    const quote = created.json() as { id: string; number: string };

    // The rep's PDF: the writer, the fonts, the template and the fr labels from the documents bundle.
    const pdf = await request('GET', `/quotes/${quote.id}/pdf`, { token: rep });
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(await pdfText(pdf.bytes)).toContain(squash(quote.number));

    // Send by email: the bundled notify renders and sends it through the SES emulator.
    const sent = await request('POST', `/quotes/${quote.id}/send`, {
      token: rep,
      body: { channel: 'email' },
    });
    expect(sent.status).toBe(200);
    const link = String(sent.json().url);
    const [email] = await waitForEmails(to(contact.email));
    expect(email?.subject).toContain(quote.number);
    expect(email?.body.text).toContain(link);
    const attached = email?.attachments.find((a) => a.contentType === 'application/pdf');
    expect(attached?.filename).toBe(`${quote.number}-v1.pdf`);
    expect(notified).toBeGreaterThan(0);

    // Open the link from the email, and sign.
    const token = link.split('/q/')[1] ?? '';
    const page = await request('GET', `/q/${token}`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text()).toContain(quote.number);
    const signed = await request('POST', `/q/${token}/sign`, {
      body: { name: 'Jeanne Dupont', email: contact.email, signature: SIGNATURE, consent: true },
    });
    expect(signed.status).toBe(200);
    expect(signed.json()).toMatchObject({ status: 'signed', number: quote.number });

    // Assert: the bundled notify seals the copy and emails it; then the link serves it, carrying
    // the signer and the hash of the PDF that was sent.
    const documentHash = createHash('sha256')
      .update(Buffer.from(attached?.content ?? '', 'base64'))
      .digest('hex');
    const [copy] = await waitForEmails(
      (e) => to(contact.email)(e) && e.attachments.some((a) => a.filename.endsWith('-signed.pdf')),
    );
    expect(copy?.attachments.map((a) => a.filename)).toEqual([`${quote.number}-v1-signed.pdf`]);
    const signedPdf = await request('GET', `/q/${token}/pdf`);
    expect(signedPdf.status).toBe(200);
    expect(signedPdf.bytes.equals(Buffer.from(copy?.attachments[0]?.content ?? '', 'base64'))).toBe(true);
    const signedText = await pdfText(signedPdf.bytes);
    expect(signedText).toContain(squash('Jeanne Dupont'));
    expect(signedText).toContain(documentHash);
    const won = await request('GET', `/deals/${deal.id}`, { token: rep });
    expect(won.json()).toMatchObject({ status: 'won' });
  }, 60_000);

  it('run expire on its schedule event: an overdue quote is expired', async () => {
    // Arrange: a quote sent by link, then made overdue.
    const { deal } = await quotableDeal();
    const quote = (await request('POST', `/deals/${deal.id}/quotes`, { token: rep, body: {} })).json() as {
      id: string;
    };
    const sent = await request('POST', `/quotes/${quote.id}/send`, { token: rep, body: { channel: 'link' } });
    expect(sent.status).toBe(200);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const overdue = { validUntil: yesterday, ...keys.quoteExpiry(yesterday, quote.id) };
    const names = Object.keys(overdue);
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.quote(deal.id, quote.id),
        UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(Object.values(overdue).map((v, i) => [`:v${i}`, v])),
      }),
    );
    const expire = await loadScheduledHandler('expire', 'bundled');

    // Act
    const result = await expire();

    // Assert: the table is this file's own, so the count is exactly this quote.
    expect(result).toEqual({ expired: 1 });
    const after = await request('GET', `/quotes/${quote.id}`, { token: rep });
    expect(after.json().status).toBe('expired');
  }, 30_000);
});
