import { BadRequestError } from '#domain/errors';

/**
 * The bytes of one file field of a `multipart/form-data` body (an HTML form upload), or undefined
 * when the field is absent or empty. Enough for one file input; not a general parser.
 */
export function multipartFile(body: Buffer, contentType: string, field: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) throw new BadRequestError('the form upload has no multipart boundary');
  const delimiter = Buffer.from(`--${value}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headersStart = start + delimiter.length + 2; // past "\r\n"
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd === -1) break;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (next === -1) break;
    const headers = body.subarray(headersStart, headersEnd).toString('utf8');
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === field) {
      const content = body.subarray(headersEnd + 4, next);
      return content.length > 0 ? Buffer.from(content) : undefined;
    }
    start = next + 2;
  }
  return undefined;
}
