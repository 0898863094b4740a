import { BadRequestError } from '#domain/errors';

/** Cursors are opaque to clients: the last sort key seen, base64url-encoded. */
export function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ k: sortKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed && typeof parsed.k === 'string')
      return parsed.k;
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new BadRequestError('the cursor is not valid: use nextCursor from a previous page');
}
