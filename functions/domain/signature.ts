import { ValidationError } from './errors.ts';
import { decodePng, encodePng, PngError, type PngPixels } from './png.ts';

/** A drawn signature we refuse: not a PNG, damaged, animated, of odd size, or blank (422). */
export class SignatureImageError extends ValidationError {
  constructor(message: string) {
    super(message, [{ path: 'body.signature', message }]);
  }
}

const PREFIX = 'data:image/png;base64,';

/**
 * What a drawn signature may be. The quote page exports at most 800 px wide (any pixel ratio) on a
 * white background; the limits leave room for other clients while keeping a decoded image small
 * (2,000,000 pixels × 4 bytes = 8 MB at most) and refusing slivers no one can sign on.
 */
export const SIGNATURE_LIMITS = {
  minWidth: 16,
  minHeight: 16,
  maxWidth: 2_000,
  maxHeight: 1_000,
  maxPixels: 2_000_000,
  /** Pixels that show on white paper (composited luminance under 200 of 255) for it not to be blank. */
  minInkPixels: 20,
} as const;

function checkDimensions(width: number, height: number): void {
  const l = SIGNATURE_LIMITS;
  if (width === 0 || height === 0) {
    throw new SignatureImageError(`the signature image is ${width}×${height} pixels: it is empty`);
  }
  if (width < l.minWidth || height < l.minHeight) {
    throw new SignatureImageError(
      `the signature image is ${width}×${height} pixels, smaller than ${l.minWidth}×${l.minHeight}`,
    );
  }
  if (width > l.maxWidth || height > l.maxHeight || width * height > l.maxPixels) {
    throw new SignatureImageError(
      `the signature image is ${width}×${height} pixels, larger than ${l.maxWidth}×${l.maxHeight}`,
    );
  }
}

/** Decoded RGBA pixels, 8 bits per channel, rows top to bottom. */
export type SignaturePixels = PngPixels;

/** A channel's value (0 to 255) as it shows on white paper, under an alpha from 0 to 1. */
function onWhite(value: number, alpha: number): number {
  return 255 * (1 - alpha) + value * alpha;
}

function inkPixels(image: SignaturePixels): number {
  let ink = 0;
  const data = image.rgba;
  for (let i = 0; i < data.length; i += 4) {
    const alpha = (data[i + 3] ?? 0) / 255;
    const luminance = 0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
    if (onWhite(luminance, alpha) < 200) ink++;
  }
  return ink;
}

/**
 * Decodes a drawn signature completely (synchronously: a damaged stream throws here, never later in
 * a callback) and checks it: structure, dimensions, pixel data, not blank. Throws
 * SignatureImageError otherwise.
 */
export function decodeSignature(dataUrl: string): SignaturePixels {
  if (!dataUrl.startsWith(PREFIX)) throw new SignatureImageError('the signature must be a PNG data URL');
  let image: SignaturePixels;
  try {
    image = decodePng(Buffer.from(dataUrl.slice(PREFIX.length), 'base64'), { checkSize: checkDimensions });
  } catch (error) {
    if (!(error instanceof PngError)) throw error;
    throw new SignatureImageError(`the signature image cannot be used: ${error.message}`);
  }
  if (inkPixels(image) < SIGNATURE_LIMITS.minInkPixels) {
    throw new SignatureImageError(
      'the signature image is blank: draw your signature, or type your name only',
    );
  }
  return image;
}

/**
 * The signature as it is stored: checked (see decodeSignature) and re-encoded by us, so the stored
 * bytes are known good whatever the client sent (no extra chunks, no odd encodings).
 */
export function canonicalSignature(dataUrl: string): string {
  return `${PREFIX}${encodePng(decodeSignature(dataUrl)).toString('base64')}`;
}

/**
 * The signature for a PDF: checked (see decodeSignature) and flattened onto white, 3 bytes (RGB) a
 * pixel, rows top to bottom, for the PDF writer to embed as raw samples.
 */
export function signatureForPdf(dataUrl: string): { width: number; height: number; rgb: Buffer } {
  const { width, height, rgba } = decodeSignature(dataUrl);
  const rgb = Buffer.alloc(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    const alpha = (rgba[pixel * 4 + 3] ?? 0) / 255;
    for (let c = 0; c < 3; c++) {
      rgb[pixel * 3 + c] = Math.round(onWhite(rgba[pixel * 4 + c] ?? 0, alpha));
    }
  }
  return { width, height, rgb };
}
