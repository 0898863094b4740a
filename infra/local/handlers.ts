import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LambdaHttpHandler } from './server.ts';
import type { StreamHandler } from './stream-poller.ts';

/** Where handlers come from: the TypeScript sources (tsx). A `bundled` source (esbuild output) will come later. */
export type HandlerSource = 'source';

const functionsDir = new URL('../../functions/', import.meta.url);

export function handlerFile(fn: string): string {
  return fileURLToPath(new URL(`${fn}/handler.ts`, functionsDir));
}

async function importHandler<T>(fn: string, source: HandlerSource): Promise<T> {
  if (source !== 'source') throw new Error(`unsupported handler source ${source}`);
  const mod = (await import(pathToFileURL(handlerFile(fn)).href)) as { handler?: unknown };
  if (typeof mod.handler !== 'function')
    throw new Error(`functions/${fn}/handler.ts does not export a handler`);
  return mod.handler as T;
}

/**
 * One handler per function, imported on its first request: startup stays fast, a function no route
 * uses is never loaded, and a function still being written fails only its own routes. A failed
 * import is not cached, so the next request tries again.
 */
export function loadHandlers(
  fnNames: readonly string[],
  source: HandlerSource = 'source',
): Record<string, LambdaHttpHandler> {
  const handlers: Record<string, LambdaHttpHandler> = {};
  for (const fn of new Set(fnNames)) {
    let loading: Promise<LambdaHttpHandler> | undefined;
    handlers[fn] = async (event, context) => {
      loading ??= importHandler<LambdaHttpHandler>(fn, source).catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading)(event, context);
    };
  }
  return handlers;
}

/** The stream consumer, when its source exists; undefined while `functions/<fn>` is not written yet. */
export async function loadStreamHandler(
  fn: string,
  source: HandlerSource = 'source',
): Promise<StreamHandler | undefined> {
  if (!existsSync(handlerFile(fn))) return undefined;
  return importHandler<StreamHandler>(fn, source);
}

/** A scheduled function (EventBridge in the cloud): called with no event. */
export async function loadScheduledHandler(
  fn: string,
  source: HandlerSource = 'source',
): Promise<() => Promise<unknown>> {
  return importHandler<() => Promise<unknown>>(fn, source);
}
