import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError } from '#domain/errors';
import { multipartFile } from '#http/multipart';
import { defineOperation } from '#http/operation';
import { html, json } from '#http/response';
import type { Locale } from '#render/i18n';
import { renderVerifyPage, type VerifyPageModel } from '#render/verify-page';
import { hashUpload, verifyDocument } from '#services/verify';
import { contentSecurityPolicy, newNonce } from '../pages/security.ts';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts.ts').then((m) => m.verifyContracts);

/** The largest file the no-JavaScript form may upload. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

function localeOf(event: APIGatewayProxyEventV2, lang: Locale | undefined): Locale {
  if (lang) return lang;
  return (event.headers?.['accept-language'] ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

function page(model: Omit<VerifyPageModel, 'nonce'>, status = 200) {
  const nonce = newNonce();
  return html(status, renderVerifyPage({ ...model, nonce }), {
    'content-security-policy': contentSecurityPolicy(nonce),
  });
}

function wantsJson(event: APIGatewayProxyEventV2): boolean {
  const accept = event.headers?.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export const verifyOperations = {
  getVerifyPage: defineOperation(contracts, 'getVerifyPage', async ({ query, event }) =>
    page({ locale: localeOf(event, query.lang), path: '/verify' }),
  ),
  verifyUpload: defineOperation(contracts, 'verifyUpload', async ({ query, event }) => {
    const locale = localeOf(event, query.lang);
    const raw = event.body
      ? event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : Buffer.from(event.body, 'binary')
      : undefined;
    if (raw && raw.byteLength > MAX_UPLOAD_BYTES + 64 * 1024) {
      return page({ locale, path: '/verify', error: 'tooLarge' }, 413);
    }
    const type = event.headers?.['content-type'] ?? '';
    const file =
      raw && type.toLowerCase().startsWith('multipart/form-data')
        ? multipartFile(raw, type, 'file')
        : undefined;
    if (!file) return page({ locale, path: '/verify', error: 'noFile' }, 422);
    if (file.byteLength > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError('the file is larger than 10 MB');
    // Hashed, then dropped with the request: the upload is never stored.
    const result = await verifyDocument(hashUpload(file));
    return page({ locale, path: '/verify', result });
  }),
  verifyHash: defineOperation(contracts, 'verifyHash', async ({ params, query, event }) => {
    const result = await verifyDocument(params.sha256);
    if (wantsJson(event)) return json(200, result);
    return page({ locale: localeOf(event, query.lang), path: `/verify/${result.sha256}`, result });
  }),
};
