import type { Contract } from '#http/operation';
import { VerifyParams, VerifyQuery, VerifyResult } from '#schemas/verify';

const page = { mediaType: 'text/html', description: 'the verify page, in English or French' };

/** The public verification routes: anyone may check whether this Closer issued a PDF. */
export const verifyContracts = {
  getVerifyPage: {
    summary: 'The public page that checks a PDF (HTML)',
    auth: 'public',
    description:
      "The browser computes the file's SHA-256 with WebCrypto and opens /verify/{sha256}: the file never leaves the machine. Without JavaScript the form posts the file to POST /verify.",
    tags: ['verify'],
    query: VerifyQuery,
    response: page,
  },
  verifyUpload: {
    summary: 'Check an uploaded PDF (no-JavaScript form, multipart/form-data, at most 10 MB)',
    auth: 'public',
    description:
      'The file (form field `file`) is hashed and discarded, never stored; the answer is the verify page with the result (422 without a file, 413 over 10 MB).',
    tags: ['verify'],
    query: VerifyQuery,
    upload: {
      field: 'file',
      mediaType: 'application/pdf',
      description: 'the PDF to check, at most 10 MB',
    },
    response: page,
    errors: [413],
  },
  verifyHash: {
    summary: 'Whether this Closer issued the file with this SHA-256',
    auth: 'public',
    description:
      'JSON with `Accept: application/json`, else the verify page. An unknown hash answers `issued: false` and nothing else about other documents.',
    tags: ['verify'],
    params: VerifyParams,
    query: VerifyQuery,
    response: VerifyResult,
  },
} as const satisfies Record<string, Contract>;
