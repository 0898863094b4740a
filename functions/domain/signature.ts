import { ValidationError } from './errors.ts';

/** A drawn signature we refuse: not a PNG, or a canvas too large to be a signature (422). */
export class SignatureImageError extends ValidationError {
  constructor(message: string) {
    super(message, [{ path: 'body.signature', message }]);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_SIGNATURE_PIXELS = 4_000_000;

/**
 * The drawn signature comes from the customer. Its header is checked before anything inflates it,
 * so a small file that claims a huge canvas (a decompression bomb) cannot exhaust memory when the
 * signed copy is rendered. Checked when signing, and again when rendering.
 */
export function signaturePng(dataUrl: string): Buffer {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new SignatureImageError('the signature must be a PNG data URL');
  const bytes = Buffer.from(dataUrl.slice(prefix.length), 'base64');
  if (
    bytes.length < 33 ||
    !bytes.subarray(0, 8).equals(PNG_SIGNATURE) ||
    bytes.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new SignatureImageError('the signature is not a PNG image');
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0 || width * height > MAX_SIGNATURE_PIXELS) {
    throw new SignatureImageError(`the signature image is ${width}×${height} pixels, too large`);
  }
  return bytes;
}
