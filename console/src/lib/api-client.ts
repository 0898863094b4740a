import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types.gen.ts';
import { getSession } from './session.ts';

export type Schemas = components['schemas'];
export type Deal = Schemas['Deal'];
export type Pipeline = Schemas['Pipeline'];
export type Stage = Pipeline['stages'][number];
export type Contact = Schemas['Contact'];
export type Company = Schemas['Company'];
export type Product = Schemas['Product'];
export type DealEvent = Schemas['Event'];
export type Line = Schemas['Line'];

export interface ProblemDetail {
  path: string;
  message: string;
}

/** An answer of the API that is not a success: `{"error": {code, message, details?}}`, or no answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** 422 details as `{path, message}` pairs (paths like `body.closeDate`). */
  get problems(): ProblemDetail[] {
    return Array.isArray(this.details)
      ? this.details.filter((d): d is ProblemDetail => typeof d?.path === 'string')
      : [];
  }

  /** Worth trying again: no answer, or the server failed. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

let onUnauthorized: () => void = () => {};

/** Called on any 401: the app sends the user to sign in, and back afterwards. */
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    const session = getSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) onUnauthorized();
    return response;
  },
};

/** The one API client: typed from the OpenAPI document (`npm run api-types`). */
export let api: Client<paths> = createClient<paths>({ baseUrl: '' });
let apiBase = '';

export function configureApi(baseUrl: string): void {
  apiBase = baseUrl;
  api = createClient<paths>({ baseUrl });
  api.use(auth);
}
api.use(auth);

/** The API's base URL (for plain fetches such as the CSV download). */
export function apiUrl(path: string): string {
  return `${apiBase}${path}`;
}

/**
 * The data of an openapi-fetch answer, or an ApiError. A network failure (no answer) is status 0.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : 'network error');
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
    ?.error;
  throw new ApiError(
    response.status,
    body?.code ?? 'error',
    body?.message ?? response.statusText,
    body?.details,
  );
}

/** A fetch with the session's token, for answers that are not JSON (CSV). */
export async function authorizedFetch(path: string): Promise<Response> {
  const session = getSession();
  const res = await fetch(apiUrl(path), {
    headers: session ? { authorization: `Bearer ${session.token}` } : {},
  });
  if (res.status === 401) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, 'error', res.statusText);
  return res;
}
