import { resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.data';

/** One rule for every local entry point, so `npm start` and `npm run token` share the JWT secret. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? (env.DATA_DIR || DEFAULT_DATA_DIR));
}
