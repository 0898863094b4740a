import { httpHandler } from '#http/handler';
import { PUBLIC_HEADERS } from '../pages/security.ts';
import { MAX_UPLOAD_BYTES, verifyOperations } from './operations.ts';

/**
 * The public verification of documents (`/verify`): read-only, no PDF code, and a body limit large
 * enough for the no-JavaScript upload (10 MB of file plus the form's framing, base64 included).
 */
export const handler = httpHandler('verify', verifyOperations, {
  maxBodyBytes: Math.ceil(MAX_UPLOAD_BYTES * 1.4),
  headers: PUBLIC_HEADERS,
});
