import { httpHandler } from '#http/handler';
import { bulkOperations } from './operations.ts';

/**
 * CSV export and import of deals: large bodies (a 10,000-row file is about 2 MB) and long requests,
 * kept apart from the rep API's small limits. 5 MB stays under Lambda's 6 MB request payload.
 */
export const handler = httpHandler('bulk', bulkOperations, { maxBodyBytes: 5 * 1024 * 1024 });
