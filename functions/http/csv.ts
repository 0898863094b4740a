import type { HttpResult } from './response.ts';

/** A CSV file download (the text already holds its byte-order mark). */
export function csv(
  statusCode: number,
  text: string,
  filename: string,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      ...headers,
    },
    body: text,
  };
}
