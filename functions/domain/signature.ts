import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { ValidationError } from './errors.ts';

/** A drawn signature we refuse: not a PNG, damaged, animated, of odd size, or blank (422). */
export class SignatureImageError extends ValidationError {
  constructor(message: string) {
    super(message, [{ path: 'body.signature', message }]);
  }
}

const PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

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

/** Chunks that make an animated PNG: the first frame would decode, the rest would be ignored. */
const ANIMATION_CHUNKS = new Set(['acTL', 'fcTL', 'fdAT']);

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = -1;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * Walks the chunk structure before anything inflates a byte: every chunk inside the file with a
 * correct CRC, IHDR first, at least one IDAT, IEND last with nothing after it, no animation.
 * Returns the header's dimensions.
 */
interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
  /** The IDAT chunks' data, in order: the compressed scanlines. */
  idat: Buffer[];
}

function checkStructure(bytes: Buffer): PngHeader {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new SignatureImageError('the signature is not a PNG image');
  }
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let interlaced = false;
  const idat: Buffer[] = [];
  for (let index = 0; ; index++) {
    if (offset + 12 > bytes.length) throw new SignatureImageError('the signature image is truncated');
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new SignatureImageError('the signature image is truncated');
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) {
      throw new SignatureImageError(`the signature image is damaged (bad checksum in its ${type} chunk)`);
    }
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) throw new SignatureImageError('the signature is not a PNG image');
      width = bytes.readUInt32BE(offset + 8);
      height = bytes.readUInt32BE(offset + 12);
      bitDepth = bytes.readUInt8(offset + 16);
      colorType = bytes.readUInt8(offset + 17);
      interlaced = bytes.readUInt8(offset + 20) === 1;
      checkDimensions(width, height);
    }
    if (ANIMATION_CHUNKS.has(type))
      throw new SignatureImageError('the signature must not be an animated PNG');
    if (type === 'IDAT') idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    offset = end;
    if (type === 'IEND') break;
  }
  if (idat.length === 0) throw new SignatureImageError('the signature image has no pixel data');
  if (offset !== bytes.length) throw new SignatureImageError('the signature image has data after its end');
  return { width, height, bitDepth, colorType, interlaced, idat };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7's passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** How many bytes the scanlines of this header inflate to (each row: a filter byte, then pixels). */
function scanlineBytes(header: PngHeader): number {
  const bits = (CHANNELS[header.colorType] ?? 4) * header.bitDepth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (!header.interlaced) return rows(header.width, header.height);
  return ADAM7.reduce(
    (sum, [x, y, dx, dy]) =>
      sum + rows(Math.ceil((header.width - x) / dx), Math.ceil((header.height - y) / dy)),
    0,
  );
}

/**
 * Inflates the pixel data and checks it holds every scanline the header promises: a decoder may
 * otherwise hand back a buffer whose missing rows are whatever the memory held.
 */
function checkPixelData(header: PngHeader): void {
  const expected = scanlineBytes(header);
  let inflated: Buffer;
  try {
    inflated = inflateSync(Buffer.concat(header.idat), { maxOutputLength: expected + 1 });
  } catch (error) {
    throw new SignatureImageError(
      `the signature image could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (inflated.length < expected) {
    throw new SignatureImageError('the signature image could not be decoded: its pixel data is incomplete');
  }
}

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
export interface SignaturePixels {
  width: number;
  height: number;
  rgba: Buffer;
}

function inkPixels(image: SignaturePixels): number {
  let ink = 0;
  const data = image.rgba;
  for (let i = 0; i < data.length; i += 4) {
    const alpha = (data[i + 3] ?? 0) / 255;
    const luminance = 0.2126 * (data[i] ?? 0) + 0.7152 * (data[i + 1] ?? 0) + 0.0722 * (data[i + 2] ?? 0);
    if (255 * (1 - alpha) + luminance * alpha < 200) ink++;
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
  const bytes = Buffer.from(dataUrl.slice(PREFIX.length), 'base64');
  const header = checkStructure(bytes);
  const { width, height } = header;
  checkPixelData(header);
  let png: PNG;
  try {
    png = PNG.sync.read(bytes, { checkCRC: true });
  } catch (error) {
    throw new SignatureImageError(
      `the signature image could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (png.width !== width || png.height !== height || png.data.length !== width * height * 4) {
    throw new SignatureImageError('the signature image could not be decoded: its pixel data is incomplete');
  }
  const image = { width, height, rgba: png.data };
  if (inkPixels(image) < SIGNATURE_LIMITS.minInkPixels) {
    throw new SignatureImageError(
      'the signature image is blank: draw your signature, or type your name only',
    );
  }
  return image;
}

/** Encodes pixels as a plain 8-bit RGBA PNG, deterministically (same pixels, same bytes). */
function encodeRgba(image: SignaturePixels): Buffer {
  const png = new PNG({ width: image.width, height: image.height, colorType: 6, inputColorType: 6 });
  image.rgba.copy(png.data);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8 });
}

/**
 * The signature as it is stored: checked (see decodeSignature) and re-encoded by us, so the stored
 * bytes are known good whatever the client sent (no extra chunks, no odd encodings).
 */
export function canonicalSignature(dataUrl: string): string {
  return `${PREFIX}${encodeRgba(decodeSignature(dataUrl)).toString('base64')}`;
}

/**
 * The signature for a PDF: checked, flattened onto white and encoded as an opaque RGB PNG. pdfkit
 * embeds such a PNG's compressed data as is, without inflating it in a callback of its own (where a
 * zlib error could not be caught).
 */
export function signatureForPdf(dataUrl: string): Buffer {
  const image = decodeSignature(dataUrl);
  const png = new PNG({ width: image.width, height: image.height });
  const rgba = image.rgba;
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = (rgba[i + 3] ?? 0) / 255;
    for (let c = 0; c < 3; c++) png.data[i + c] = Math.round(255 * (1 - alpha) + (rgba[i + c] ?? 0) * alpha);
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2, inputColorType: 6, bitDepth: 8 });
}
