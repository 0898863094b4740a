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

export interface Operation<C extends Contract = Contract> {
  contract: C;
  handle(request: OperationRequest<C>): Promise<HttpResult>;
}

export function defineOperation<const C extends Contract>(
  contract: C,
  handle: (request: OperationRequest<C>) => Promise<HttpResult>,
): Operation<C> {
  return { contract, handle };
}
