import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.data';

/** One rule for every local entry point, so `npm start` and `npm run token` share the JWT secret. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.DATA_DIR || DEFAULT_DATA_DIR));
}

/**
 * A random secret created once under `dataDir` and read back afterwards (base64url), so what it
 * signs or seals outlives a restart and other local processes agree on it.
 */
export function persistentSecret(dataDir: string, file: string): string {
  const path = join(dataDir, file);
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx` fails when the file exists, so two processes starting at once agree on one secret.
    writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readFileSync(path, 'utf8').trim();
  if (stored === '') throw new Error(`${path} is empty: delete it and start again`);
  return stored;
}
