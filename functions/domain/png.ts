import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * A small PNG codec: decodes every standard PNG (all colour types and bit depths, Adam7) to 8-bit
 * RGBA, checking the file whole before it is trusted, and encodes 8-bit RGBA. It replaces
 * pngjs in the bundles; pngjs stays the tests' reference, and the decoder agrees with it byte for
 * byte (16-bit samples rounded to 8 bits, a tRNS colour key giving transparent black).
 */

/** A PNG we refuse; the message says why, in words a user can read. */
export class PngError extends Error {
  override name = 'PngError';
}

/** 8-bit RGBA pixels, rows top to bottom. */
export interface PngPixels {
  width: number;
  height: number;
  rgba: Buffer;
}

export interface DecodeOptions {
  /** Sees the header's dimensions before anything is inflated; throws to refuse them. */
  checkSize?(width: number, height: number): void;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Samples per pixel and the bit depths the PNG specification allows, by colour type. */
const COLOUR_TYPES: Record<number, { channels: number; depths: number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Chunks that make an animated PNG: the first frame would decode, the rest would be ignored. */
const ANIMATION_CHUNKS = new Set(['acTL', 'fcTL', 'fdAT']);

/**
 * What this decoder allocates at most (1 GiB of RGBA), so that a header alone cannot make it throw
 * a RangeError. Callers that take images from users bound the size far lower with `checkSize`.
 */
const MAX_PIXELS = 2 ** 28;

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
const WHOLE_IMAGE = [[0, 0, 1, 1]] as const;

interface Header {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  channels: number;
  interlaced: boolean;
}

/** One pass of the image (the whole image when not interlaced): its size and its place. */
interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** Bytes of one scanline, without its filter byte. */
  rowBytes: number;
}

function passes(header: Header): Pass[] {
  const bits = header.channels * header.depth;
  return (header.interlaced ? ADAM7 : WHOLE_IMAGE)
    .map(([x0, y0, dx, dy]) => {
      const width = Math.ceil((header.width - x0) / dx);
      const height = Math.ceil((header.height - y0) / dy);
      return { x0, y0, dx, dy, width, height, rowBytes: Math.ceil((width * bits) / 8) };
    })
    .filter((pass) => pass.width > 0 && pass.height > 0);
}

function readHeader(data: Buffer): Header {
  const width = data.readUInt32BE(0);
  const height = data.readUInt32BE(4);
  const [depth = 0, colourType = 0, compression, filter, interlace] = data.subarray(8);
  const type = COLOUR_TYPES[colourType];
  if (type === undefined) throw new PngError(`colour type ${colourType} does not exist`);
  if (!type.depths.includes(depth)) {
    throw new PngError(`bit depth ${depth} is not allowed with colour type ${colourType}`);
  }
  if (compression !== 0 || filter !== 0) {
    throw new PngError('the header names an unknown compression or filter method');
  }
  if (interlace !== 0 && interlace !== 1) throw new PngError(`interlace method ${interlace} does not exist`);
  return { width, height, depth, colourType, channels: type.channels, interlaced: interlace === 1 };
}

interface Chunks {
  header: Header;
  /** RGBA, 4 bytes an entry: PLTE's colours with tRNS's alphas. */
  palette?: Uint8Array;
  /** tRNS of a grey or RGB image: the raw samples (R, G, B; grey thrice) of the transparent colour. */
  colourKey?: number[];
  idat: Buffer[];
}

/**
 * Walks the chunks before anything inflates a byte: every chunk inside the file with a correct
 * CRC, IHDR first, PLTE and tRNS before the pixel data, consecutive IDATs, IEND last with nothing
 * after it, no animation, no critical chunk we do not know.
 */
function readChunks(bytes: Buffer, options: DecodeOptions): Chunks {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) {
    throw new PngError('the file is not a PNG image');
  }
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let colourKey: number[] | undefined;
  const idat: Buffer[] = [];
  let previous = '';
  let offset = 8;
  for (;;) {
    if (offset + 12 > bytes.length) throw new PngError('the file is truncated');
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError('the file holds a chunk whose type is not a name');
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new PngError(`the file is truncated (inside its ${type} chunk)`);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(end - 4)) {
      throw new PngError(`bad checksum in the ${type} chunk`);
    }
    offset = end;
    if ((type === 'IHDR') !== (header === undefined)) {
      throw new PngError(
        header === undefined
          ? 'the file is not a PNG image (it does not start with IHDR)'
          : 'the file has two IHDR chunks',
      );
    }
    if (header === undefined) {
      if (length !== 13) throw new PngError('the IHDR chunk has the wrong length');
      header = readHeader(data);
      options.checkSize?.(header.width, header.height);
      checkDimensions(header);
      continue;
    }
    if (ANIMATION_CHUNKS.has(type)) throw new PngError('animated PNGs are not supported');
    if ((type === 'PLTE' || type === 'tRNS') && idat.length > 0) {
      throw new PngError(`the ${type} chunk comes after the pixel data`);
    }
    if (type === 'PLTE') {
      palette = readPalette(data);
    } else if (type === 'tRNS') {
      if (header.colourType === 3) applyPaletteAlpha(palette, data);
      else if (header.colourType === 0 || header.colourType === 2) colourKey = readColourKey(header, data);
    } else if (type === 'IDAT') {
      if (idat.length > 0 && previous !== 'IDAT') throw new PngError('the IDAT chunks are not consecutive');
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    } else if (/^[A-Z]/.test(type)) {
      throw new PngError(`the file holds a critical ${type} chunk, which this decoder does not know`);
    }
    previous = type;
  }
  if (offset !== bytes.length) throw new PngError('the file has data after its end');
  if (idat.length === 0) throw new PngError('the image has no pixel data');
  if (header.colourType === 3 && palette === undefined) {
    throw new PngError('the image has no palette (PLTE chunk)');
  }
  return { header, palette, colourKey, idat };
}

function checkDimensions({ width, height }: Header): void {
  if (width === 0 || height === 0) throw new PngError(`the image is ${width}×${height} pixels: it is empty`);
  if (width * height > MAX_PIXELS) {
    throw new PngError(`the image is ${width}×${height} pixels, more than this decoder handles`);
  }
}

function readPalette(data: Buffer): Uint8Array {
  if (data.length === 0 || data.length % 3 !== 0 || data.length > 256 * 3) {
    throw new PngError('the palette (PLTE chunk) is damaged');
  }
  const palette = new Uint8Array((data.length / 3) * 4).fill(255);
  for (let entry = 0; entry < data.length / 3; entry++) {
    palette.set(data.subarray(entry * 3, entry * 3 + 3), entry * 4);
  }
  return palette;
}

function applyPaletteAlpha(palette: Uint8Array | undefined, data: Buffer): void {
  if (palette === undefined) throw new PngError('the tRNS chunk comes before the palette');
  if (data.length > palette.length / 4) {
    throw new PngError('the tRNS chunk has more entries than the palette');
  }
  data.forEach((alpha, entry) => {
    palette[entry * 4 + 3] = alpha;
  });
}

function readColourKey(header: Header, data: Buffer): number[] {
  if (data.length !== header.channels * 2) throw new PngError('the tRNS chunk has the wrong length');
  const key = Array.from({ length: header.channels }, (_, i) => data.readUInt16BE(i * 2));
  return key.length === 1 ? [key[0] ?? 0, key[0] ?? 0, key[0] ?? 0] : key;
}

/** Inflates the scanlines, which must be exactly as many bytes as the header promises. */
function inflateScanlines(idat: Buffer[], expected: number): Buffer {
  let scanlines: Buffer;
  try {
    scanlines = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PngError('the pixel data is larger than the image');
    }
    throw new PngError(`the pixel data is not zlib data (${(error as Error).message})`);
  }
  if (scanlines.length < expected) throw new PngError('the pixel data is incomplete');
  if (scanlines.length > expected) throw new PngError('the pixel data is larger than the image');
  return scanlines;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Undoes the filters of one pass in place; returns each scanline without its filter byte. Each
 * filter type has its own loop: this runs over every byte of the image.
 */
function unfilter(scanlines: Buffer, start: number, pass: Pass, bpp: number): Uint8Array[] {
  const rows: Uint8Array[] = [];
  let above: Uint8Array = new Uint8Array(pass.rowBytes);
  for (let y = 0; y < pass.height; y++) {
    const at = start + y * (pass.rowBytes + 1);
    const row = scanlines.subarray(at + 1, at + 1 + pass.rowBytes);
    const left = (i: number) => (i >= bpp ? (row[i - bpp] ?? 0) : 0);
    const filter = scanlines[at];
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < row.length; i++) row[i] = (row[i] ?? 0) + left(i);
        break;
      case 2:
        for (let i = 0; i < row.length; i++) row[i] = (row[i] ?? 0) + (above[i] ?? 0);
        break;
      case 3:
        for (let i = 0; i < row.length; i++) row[i] = (row[i] ?? 0) + ((left(i) + (above[i] ?? 0)) >> 1);
        break;
      case 4:
        for (let i = 0; i < row.length; i++) {
          const upLeft = i >= bpp ? (above[i - bpp] ?? 0) : 0;
          row[i] = (row[i] ?? 0) + paeth(left(i), above[i] ?? 0, upLeft);
        }
        break;
      default:
        throw new PngError(`a scanline has an unknown filter type (${filter})`);
    }
    rows.push(row);
    above = row;
  }
  return rows;
}

/** Sample `index` of a scanline, `depth` bits a sample, most significant bits first. */
function sampleAt(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index] ?? 0;
  if (depth === 16) return ((row[2 * index] ?? 0) << 8) | (row[2 * index + 1] ?? 0);
  const bit = index * depth;
  return ((row[bit >> 3] ?? 0) >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

/** Writes one pass's pixels to their places in the RGBA image. */
function placePixels(rgba: Buffer, rows: Uint8Array[], pass: Pass, chunks: Chunks): void {
  const { width, depth, channels, colourType } = chunks.header;
  const { palette, colourKey } = chunks;
  const max = 2 ** depth - 1;
  // pngjs's rule, so that both decoders agree: round to nearest (16 bits: v / 257).
  const to8 = depth === 8 ? (sample: number) => sample : (sample: number) => Math.round((sample * 255) / max);
  rows.forEach((row, y) => {
    for (let x = 0; x < pass.width; x++) {
      const at = ((pass.y0 + y * pass.dy) * width + pass.x0 + x * pass.dx) * 4;
      const s = x * channels;
      const r = sampleAt(row, s, depth);
      if (palette !== undefined) {
        if (r * 4 >= palette.length) {
          throw new PngError(`a pixel uses colour ${r} of a palette of ${palette.length / 4}`);
        }
        rgba[at] = palette[r * 4] ?? 0;
        rgba[at + 1] = palette[r * 4 + 1] ?? 0;
        rgba[at + 2] = palette[r * 4 + 2] ?? 0;
        rgba[at + 3] = palette[r * 4 + 3] ?? 0;
        continue;
      }
      const g = colourType & 2 ? sampleAt(row, s + 1, depth) : r;
      const b = colourType & 2 ? sampleAt(row, s + 2, depth) : r;
      // A pixel of the tRNS colour stays transparent black, as allocated (pngjs does the same).
      if (colourKey !== undefined && r === colourKey[0] && g === colourKey[1] && b === colourKey[2]) continue;
      rgba[at] = to8(r);
      rgba[at + 1] = to8(g);
      rgba[at + 2] = to8(b);
      rgba[at + 3] = colourType & 4 ? to8(sampleAt(row, s + channels - 1, depth)) : 255;
    }
  });
}

/**
 * Decodes a PNG completely and synchronously to 8-bit RGBA, or throws PngError (or what `checkSize`
 * throws: it sees the header's dimensions before anything is inflated, to refuse a huge canvas).
 */
export function decodePng(bytes: Uint8Array, options: DecodeOptions = {}): PngPixels {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = readChunks(buffer, options);
  const { header } = chunks;
  const layout = passes(header);
  const scanlines = inflateScanlines(
    chunks.idat,
    layout.reduce((sum, pass) => sum + pass.height * (pass.rowBytes + 1), 0),
  );
  const rgba = Buffer.alloc(header.width * header.height * 4);
  const bytesPerPixel = Math.max(1, (header.channels * header.depth) / 8);
  let start = 0;
  for (const pass of layout) {
    placePixels(rgba, unfilter(scanlines, start, pass, bytesPerPixel), pass, chunks);
    start += pass.height * (pass.rowBytes + 1);
  }
  return { width: header.width, height: header.height, rgba };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes 8-bit RGBA (colour type 6). Deterministic: the same pixels give the same bytes. Every scanline uses filter type 0: on drawn
 * signatures (long runs of one colour) deflate alone compresses better than pngjs's adaptive filters.
 */
export function encodePng(pixels: PngPixels): Buffer {
  const { width, height, rgba } = pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PngError(`an image cannot be ${width}×${height} pixels`);
  }
  if (rgba.length !== width * height * 4) {
    throw new PngError(`${rgba.length} bytes of RGBA do not make ${width}×${height} pixels`);
  }
  const rowBytes = width * 4;
  const scanlines = Buffer.alloc((rowBytes + 1) * height); // filter bytes stay 0
  for (let y = 0; y < height; y++)
    rgba.copy(scanlines, y * (rowBytes + 1) + 1, y * rowBytes, (y + 1) * rowBytes);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 6; // RGBA
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
