import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser is missing: one line that says how to fix it. The stack is dropped on purpose, since
 * it would only bury that line under frames of this helper.
 */
export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `Chromium not found at ${path}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`,
    );
    this.name = 'ChromiumMissingError';
    this.stack = this.message;
  }
}

/** Where the system's Chromium is (CHROMIUM_PATH, else Debian's), or ChromiumMissingError. */
export function chromiumPath(): string {
  const executablePath = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  return executablePath;
}

/**
 * Launches the system's Chromium (the Debian package; never a downloaded browser). A missing
 * executable fails the run instead of skipping the journeys: a skipped browser test reads as a
 * pass in CI. The flags keep Chromium from calling home or updating itself during a test.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
