import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';
import { type Stack, startStack } from './stack.ts';

/**
 * What every console journey file starts with: one Chromium and one local stack for the file,
 * started before its tests and closed after them with every context it opened, and rep pages that
 * report their console errors and uncaught exceptions into `problems` (none is expected).
 */
export interface ConsoleSuite {
  /** The stack and the browser: read them inside tests and hooks (they start in `beforeAll`). */
  readonly stack: Stack;
  readonly browser: Browser;
  /** Console errors (with the page's URL) and uncaught exceptions of every page from `newPage`. */
  readonly problems: string[];
  /** A rep's page in a fresh en-GB context, `width` × 900, closed with the suite. */
  newPage(width?: number, options?: { bypassCSP?: boolean }): Promise<Page>;
  /** The console's URL for an app path (`/board` → `<base>/app/board`). */
  url(path: string): string;
}

export function consoleSuite(options: { ignoreConsole?: RegExp } = {}): ConsoleSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} starts in beforeAll: read it inside a test`);
    return value;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    stack = await startStack();
  });

  afterAll(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await browser?.close();
    await stack?.close();
  });

  return {
    get stack() {
      return started(stack, 'stack');
    },
    get browser() {
      return started(browser, 'browser');
    },
    problems,
    async newPage(width = 1280, pageOptions = {}) {
      const context = await started(browser, 'browser').newContext({
        viewport: { width, height: 900 },
        locale: 'en-GB',
        ...pageOptions,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() !== 'error' || options.ignoreConsole?.test(message.text())) return;
        problems.push(`${message.text()} on ${page.url()}`);
      });
      page.on('pageerror', (error) => problems.push(error.message));
      return page;
    },
    url: (path) => `${started(stack, 'stack').baseUrl}/app${path}`,
  };
}
