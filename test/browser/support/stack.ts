import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ulid } from 'ulid';
import { expect } from 'vitest';
import { signToken, verifyToken } from '#infra/local/jwt';
import { freePort } from '#infra/local/ports';
import type { LocalServer } from '#infra/local/server';
import { userFor } from '#infra/local/users';

/**
 * The whole HTTP surface as people reach it: the local server (API Gateway's stand-in) in front of
 * the real handlers, on a free port, with real bearer tokens for the rep. DynamoDB Local, the SES
 * emulator and `notify` come from the global setup.
 */
export interface Stack {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The handlers build links and check form origins from it; set before they are first imported.
  process.env.PUBLIC_BASE_URL = baseUrl;
  const { routes } = await import('#contracts/routes');
  const { loadHandlers } = await import('#infra/local/handlers');
  const { createLocalServer } = await import('#infra/local/server');
  const { consoleRoutes, ensureConsoleBuilt } = await import('#infra/local/console');
  const secret = jwtSecret();
  // The console as `npm start` serves it (built first when missing or stale), with the local sign-in.
  await ensureConsoleBuilt();
  const server: LocalServer = createLocalServer({
    before: consoleRoutes({ secret }),
    routes,
    handlers: loadHandlers(routes.map((r) => r.fn)),
    verify: (token) => verifyToken(token, secret),
    log: (message, error) => console.error(`[local server] ${message}`, error),
  });
  await server.listen(port, '127.0.0.1');
  return { baseUrl, close: () => server.close() };
}

function jwtSecret(): Uint8Array {
  const secret = process.env.LOCAL_JWT_SECRET;
  if (!secret) throw new Error('LOCAL_JWT_SECRET is not set: run with vitest.browser.config.ts');
  return new TextEncoder().encode(secret);
}

export interface ApiResult<T> {
  status: number;
  body: T;
}

/**
 * A rep of our own (fresh id per test), calling the JSON API over HTTP with a bearer token; with
 * `as`, that exact user (a demo user such as bob, or maya as manager).
 */
export async function repClient(
  baseUrl: string,
  name = 'browser-rep',
  as?: { id: string; manager?: boolean },
) {
  const id = as?.id ?? `${name}-${ulid().toLowerCase()}`;
  const token = await signToken(userFor(id, { manager: as?.manager ?? false }), jwtSecret());
  async function call<T = any>(method: string, route: string, body?: unknown): Promise<ApiResult<T>> {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: (type.includes('json') && text ? JSON.parse(text) : text) as T };
  }
  /** Calls and checks the status, so a broken step fails where it happens, with the API's answer. */
  async function ok<T = any>(method: string, route: string, body?: unknown, status = 200): Promise<T> {
    const res = await call<T>(method, route, body);
    expect(res.status, `${method} ${route}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  }
  return { id, call, ok };
}

export type RepClient = Awaited<ReturnType<typeof repClient>>;

/** A contact (unique email, so the SES store can be filtered by it), a company, and a deal with lines. */
export async function dealWithLines(rep: RepClient, contactName = 'Jeanne Dupont') {
  const company = await rep.ok(
    'POST',
    '/companies',
    { name: 'Acme SAS', address: '1 rue de la Paix\n75002 Paris', vatNumber: 'FR12345678901' },
    201,
  );
  const email = `jeanne-${ulid().toLowerCase()}@acme.example`;
  const contact = await rep.ok('POST', '/contacts', { name: contactName, email, companyId: company.id }, 201);
  const deal = await rep.ok(
    'POST',
    '/deals',
    {
      name: 'Acme rollout',
      contactId: contact.id,
      companyId: company.id,
      lines: [
        { name: 'Annual licence', quantity: 2, unitPrice: 480_000, discountPercent: 10, taxRate: 20 },
        {
          name: 'Training manual',
          description: 'Printed, 120 pages',
          quantity: 5,
          unitPrice: 4_500,
          taxRate: 5.5,
        },
      ],
    },
    201,
  );
  return { deal, contact, email };
}

/** Where a test's screenshots go: test-results/screenshots/<test>/, printed once. */
export function screenshots(test: string) {
  const dir = path.resolve('test-results', 'screenshots', test);
  mkdirSync(dir, { recursive: true });
  console.log(`screenshots: ${dir}`);
  let step = 0;
  return async (page: Page, name: string) => {
    step++;
    await page.screenshot({
      path: path.join(dir, `${String(step).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
}

/** The quote page link of an email: its path, on the server under test. */
export function quoteLinkIn(text: string, baseUrl: string): string {
  const match = /https?:\/\/[^\s"'<>]+\/q\/([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no quote link in the email:\n${text}`);
  // notify runs in the global setup's process, whose PUBLIC_BASE_URL is the test default: the
  // token is what matters, served here by the server this test started.
  return `${baseUrl}/q/${match[1]}`;
}
