import * as z from 'zod/mini';
import type { Contract } from '#http/operation';
import { withMeta } from '#schemas/common';

/** The contract of `GET /openapi.json`: loaded on its first request. */
export const metaContracts = {
  getOpenApi: {
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['meta'],
    auth: 'public',
    response: withMeta(z.looseObject({ openapi: z.string() }), { id: 'OpenApiDocument' }),
  },
} as const satisfies Record<string, Contract>;
