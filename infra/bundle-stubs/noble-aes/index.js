/**
 * What the bundles carry instead of `@noble/ciphers/aes` as pdfkit imports it (esbuild alias,
 * infra/constructs/function.ts). pdfkit uses AES only to encrypt a PDF with a password, which we never
 * do; the module builds its AES tables at import, which would only slow the first PDF of a process.
 * Other importers (the seal's @libpdf/core imports `@noble/ciphers/aes.js`) keep the real module.
 */
function unsupported() {
  throw new Error('PDF encryption is not in the Lambda bundles (pdfkit imports AES only to encrypt)');
}
export const cbc = unsupported;
export const ecb = unsupported;
