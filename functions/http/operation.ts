import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { User } from '#contracts/actor';
import type { HttpResult } from './response.ts';

/** What a route accepts and answers: validates requests and describes them in OpenAPI. */
export interface Contract {
  summary: string;
  description?: string;
  tags?: string[];
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** The request body: JSON (default), also accepted as an HTML form post when `form` is set. */
  body?: z.ZodMiniType;
  bodyTypes?: ('json' | 'form' | 'csv')[];
  /**
   * A multipart/form-data file upload, which the operation reads from the raw event itself (no
   * schema validates it): described in OpenAPI as a form with this one file field.
   */
  upload?: { field: string; mediaType: string; description: string };
  /** Success status (200 by default) and its body: a schema (JSON) or a media type. */
  status?: number;
  response: z.ZodMiniType | { mediaType: string; description: string };
  /** Error statuses this route can answer, beyond the ones every route can (400, 401, 422, 500). */
  errors?: number[];
  /** Request headers the route reads. */
  headers?: Record<string, string>;
  managersOnly?: boolean;
  /**
   * `public`: no login (the customer's link, the API description); the request carries no user.
   * Absent: a rep route behind the JWT authorizer. Must match the route table's `auth` (checked
   * when the handler is built).
   */
  auth?: 'public';
}

type Infer<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

/** Who the request comes from: the signed-in rep on rep routes, nobody on public ones. */
type Caller<C extends Contract> = C extends { auth: 'public' } ? { user?: undefined } : { user: User };

export type OperationRequest<C extends Contract> = {
  params: Infer<C['params']>;
  query: Infer<C['query']>;
  body: Infer<C['body']>;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
} & Caller<C>;

/**
 * A module's contracts, loaded on first use: `() => import('./contracts.ts').then((m) => m.xContracts)`.
 * The dynamic import keeps the contracts and the schemas they use out of the cold start (esbuild
 * evaluates a module reached only through `import()` when that import runs, in the same bundle):
 * a request builds the schemas of its own routes, once per process.
 */
export type Contracts<M extends Record<string, Contract> = Record<string, Contract>> = () => Promise<M>;

export interface Operation<C extends Contract = Contract> {
  /** The route's contract, built on its first use (the same object every time). */
  contract(): Promise<C>;
  handle(request: OperationRequest<C>): Promise<HttpResult>;
}

/** The operation that answers with `handle` under the contract `name` of `contracts`. */
export function defineOperation<M extends Record<string, Contract>, K extends keyof M & string>(
  contracts: Contracts<M>,
  name: K,
  handle: (request: OperationRequest<M[K]>) => Promise<HttpResult>,
): Operation<M[K]> {
  let contract: Promise<M[K]> | undefined;
  const load = async () => {
    const found = (await contracts())[name];
    if (found === undefined) throw new Error(`no contract ${name}`);
    return found;
  };
  return { contract: () => (contract ??= load()), handle };
}
