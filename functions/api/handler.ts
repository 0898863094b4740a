import { httpHandler } from '#http/handler';
import { operations } from './operations.ts';

/** The rep JSON API: every `fn: 'api'` route of the route table. */
export const handler = httpHandler('api', operations, { maxBodyBytes: 256 * 1024 });
