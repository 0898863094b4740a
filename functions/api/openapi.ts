import * as z from 'zod/mini';
import { routes } from '#contracts/routes';
import type { Contract } from '#http/operation';
import { ErrorBody } from '#schemas/common';
import { bulkContracts } from '../bulk/contracts.ts';
import { documentContracts } from '../documents/contracts.ts';
import { pageContracts } from '../pages/contracts.ts';
import { verifyContracts } from '../verify/contracts.ts';
import { operations } from './operations.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and the zod schemas that validate the
 * requests: the description cannot drift from the code. Generated at build time (`npm run openapi`
 * writes functions/api/openapi.json, which `GET /openapi.json` serves); a test fails when the file
 * is not what the contracts give.
 */

type JsonSchema = Record<string, unknown>;
const PREFIX = '#/components/schemas/';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (JSON, cursor)',
  401: 'Missing or invalid bearer token',
  403: 'Reserved to managers or to the owner',
  404: 'Not found (or not yours)',
  409: 'Conflicts with the current state',
  410: 'No longer available',
  412: 'If-Match does not match the current version',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Invalid input: details lists each problem',
  429: 'Too soon: details.retryAfterSeconds says when to try again',
  500: 'Internal error',
  503: 'Not ready yet (a signed copy being sealed): retry after the Retry-After header’s seconds',
};

function idOf(schema: z.ZodMiniType): string | undefined {
  const meta = z.globalRegistry.get(schema);
  return typeof meta?.id === 'string' ? meta.id : undefined;
}

/** Converts a set of named schemas; nested schemas with an id become shared components. */
function convert(
  named: Map<string, z.ZodMiniType>,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) if (!registry.has(schema)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, {
    uri: (id) => `${PREFIX}${id}`,
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).filter(([k]) => k !== '$schema' && k !== '$id');
      return Object.fromEntries(
        entries.map(([k, v]) => [
          k,
          k === '$ref' && typeof v === 'string' ? v.replace(`${PREFIX}__shared#/$defs/`, PREFIX) : rewrite(v),
        ]),
      );
    }
    return value;
  };
  for (const [id, schema] of Object.entries(out.schemas)) {
    if (id === '__shared') {
      const defs = (schema as { $defs?: Record<string, unknown> }).$defs ?? {};
      for (const [defId, def] of Object.entries(defs)) components[defId] ??= rewrite(def) as JsonSchema;
    } else {
      components[id] ??= rewrite(schema) as JsonSchema;
    }
  }
}

function parameters(schema: z.ZodMiniType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** A multipart/form-data body with one file field (OpenAPI 3.1: a string with contentMediaType). */
function uploadBody(upload: NonNullable<Contract['upload']>) {
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            [upload.field]: {
              type: 'string',
              contentMediaType: upload.mediaType,
              description: upload.description,
            },
          },
          required: [upload.field],
        },
        encoding: { [upload.field]: { contentType: upload.mediaType } },
      },
    },
  };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function buildOpenApi(
  contracts: Record<string, Contract>,
  info: { version: string; serverUrl?: string },
) {
  const requests = new Map<string, z.ZodMiniType>();
  const responses = new Map<string, z.ZodMiniType>([['Error', ErrorBody]]);
  const refs = new Map<string, { request?: string; response?: string }>();
  for (const route of routes) {
    const contract = contracts[route.operation];
    if (!contract) continue;
    const { body, response } = contract;
    const entry: { request?: string; response?: string } = {};
    if (body) {
      entry.request = idOf(body) ?? `${capital(route.operation)}Request`;
      requests.set(entry.request, body);
    }
    if ('safeParse' in response) {
      entry.response = idOf(response) ?? `${capital(route.operation)}Response`;
      responses.set(entry.response, response);
    }
    refs.set(route.operation, entry);
  }
  const components: Record<string, JsonSchema> = {};
  convert(responses, 'output', components);
  convert(requests, 'input', components);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const c = contracts[route.operation];
    if (!c) continue;
    const ref = refs.get(route.operation) ?? {};
    const status = String(c.status ?? 200);
    const success =
      'safeParse' in c.response
        ? {
            description: c.summary,
            content: { 'application/json': { schema: { $ref: `${PREFIX}${ref.response}` } } },
          }
        : {
            description: c.response.description,
            content: { [c.response.mediaType]: { schema: { type: 'string' } } },
          };
    const errorStatuses = new Set([
      400,
      422,
      500,
      ...(route.auth === 'rep' ? [401] : []),
      ...(c.body ? [413, 415] : []),
      ...(c.errors ?? []),
    ]);
    const errorResponses = Object.fromEntries(
      [...errorStatuses].sort().map((s) => [
        String(s),
        {
          description: ERROR_TEXT[s] ?? 'Error',
          content: { 'application/json': { schema: { $ref: `${PREFIX}Error` } } },
        },
      ]),
    );
    const headerParams = Object.entries(c.headers ?? {}).map(([name, description]) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: { type: 'string' },
    }));
    const bodyTypes = c.bodyTypes ?? ['json'];
    const mediaTypes = {
      json: 'application/json',
      form: 'application/x-www-form-urlencoded',
      csv: 'text/csv',
    };
    paths[route.path] ??= {};
    const pathItem = paths[route.path] as Record<string, unknown>;
    pathItem[route.method.toLowerCase()] = {
      operationId: route.operation,
      summary: c.summary,
      ...(c.description ? { description: c.description } : {}),
      ...(c.tags ? { tags: c.tags } : {}),
      ...(route.auth === 'rep' ? {} : { security: [] }),
      parameters: [...parameters(c.params, 'path'), ...parameters(c.query, 'query'), ...headerParams],
      ...(ref.request
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                bodyTypes.map((t) => [
                  mediaTypes[t],
                  { schema: t === 'csv' ? { type: 'string' } : { $ref: `${PREFIX}${ref.request}` } },
                ]),
              ),
            },
          }
        : {}),
      ...(c.upload ? { requestBody: uploadBody(c.upload) } : {}),
      responses: { [status]: success, ...errorResponses },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Closer API',
      version: info.version,
      description:
        'Deals, pipelines and quotes. Money is in integer minor units with an ISO 4217 currency; ids are ULIDs.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** Where the generated document lives: next to the operation that serves it. */
export const OPENAPI_FILE = new URL('./openapi.json', import.meta.url);

/**
 * Every route's contract, keyed by operation: api's (built here, as a first request would), then the
 * other functions'. The order is the document's.
 */
export async function allContracts(): Promise<Record<string, Contract>> {
  const api = await Promise.all(
    Object.entries(operations).map(async ([name, op]) => [name, await op.contract()] as const),
  );
  return {
    ...Object.fromEntries(api),
    ...documentContracts,
    ...pageContracts,
    ...bulkContracts,
    ...verifyContracts,
  };
}

/** The document of this code's contracts: every function's routes. */
export async function openApiDocument() {
  return buildOpenApi(await allContracts(), { version: '0.1.0' });
}

/** The file's text: compact JSON, served as it is (`jq . functions/api/openapi.json` to read it). */
export async function openApiFileText(): Promise<string> {
  return `${JSON.stringify(await openApiDocument())}\n`;
}
