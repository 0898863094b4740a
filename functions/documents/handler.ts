import { httpHandler } from '#http/handler';
import { documentOperations } from './operations.ts';

/** PDF rendering and the routes that need it, kept out of the `api` bundle. */
export const handler = httpHandler('documents', documentOperations, { maxBodyBytes: 256 * 1024 });
