import { deflateSync } from 'node:zlib';
import { chunk } from './signature.ts';

/**
 * A PNG writer for the codec's tests: every colour type and bit depth, palettes with tRNS, colour
 * keys, Adam7, and a chosen filter type per scanline, which pngjs's writer cannot do. Written from
 * the PNG specification apart from functions/domain/png.ts; pngjs decodes what it writes to judge
 * both.
 */

export interface PngSpec {
  width: number;
  height: number;
  colourType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  interlaced?: boolean;
  /** Sample `channel` of pixel (x, y), within the bit depth (a palette index for colour type 3). */
  sample(x: number, y: number, channel: number): number;
  /** RGB triples (colour type 3). */
  palette?: number[][];
  /** tRNS's data as written: palette alphas, or 16-bit grey / RGB key values. */
  trns?: number[];
  /** The filter type of the scanline `row` of the file (counted across passes); default: row % 5. */
  filter?(row: number): number;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

const MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Adam7's passes: first column and row, column and row steps. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function filtered(type: number, row: Uint8Array, above: Uint8Array, bpp: number): number[] {
  return Array.from(row, (value, i) => {
    const a = i >= bpp ? (row[i - bpp] ?? 0) : 0;
    const b = above[i] ?? 0;
    const c = i >= bpp ? (above[i - bpp] ?? 0) : 0;
    const prediction = [0, a, b, (a + b) >> 1, paethPredictor(a, b, c)][type] ?? 0;
    return (value - prediction) & 0xff;
  });
}

/** The raw scanlines (filter byte + filtered bytes) of the whole file, passes one after another. */
export function scanlines(spec: PngSpec): Buffer {
  const channels = CHANNELS[spec.colourType];
  const bits = channels * spec.depth;
  const bpp = Math.max(1, bits / 8);
  const out: number[] = [];
  let fileRow = 0;
  for (const [x0, y0, dx, dy] of spec.interlaced ? ADAM7 : [[0, 0, 1, 1]]) {
    const width = Math.ceil((spec.width - (x0 ?? 0)) / (dx ?? 1));
    const height = Math.ceil((spec.height - (y0 ?? 0)) / (dy ?? 1));
    if (width <= 0 || height <= 0) continue;
    let above = new Uint8Array(Math.ceil((width * bits) / 8));
    for (let py = 0; py < height; py++) {
      const row = new Uint8Array(above.length);
      for (let px = 0; px < width; px++) {
        for (let c = 0; c < channels; c++) {
          const value = spec.sample((x0 ?? 0) + px * (dx ?? 1), (y0 ?? 0) + py * (dy ?? 1), c);
          const bit = (px * channels + c) * spec.depth;
          if (spec.depth === 16) row.set([value >> 8, value & 0xff], bit / 8);
          else row[bit >> 3] = (row[bit >> 3] ?? 0) | (value << (8 - spec.depth - (bit & 7)));
        }
      }
      const type = spec.filter ? spec.filter(fileRow) : fileRow % 5;
      out.push(type, ...filtered(type, row, above, bpp));
      above = row;
      fileRow++;
    }
  }
  return Buffer.from(out);
}

/** IHDR's data. */
export function ihdrData(width: number, height: number, depth: number, colourType: number, interlace = 0) {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([depth, colourType, 0, 0, interlace], 8);
  return data;
}

/** A PNG file from its parts; the compressed data split over two IDAT chunks when it can be. */
export function pngFile(spec: PngSpec, idatData = deflateSync(scanlines(spec))): Buffer {
  const half = idatData.length >> 1;
  return Buffer.concat([
    MAGIC,
    chunk('IHDR', ihdrData(spec.width, spec.height, spec.depth, spec.colourType, spec.interlaced ? 1 : 0)),
    ...(spec.palette ? [chunk('PLTE', Buffer.from(spec.palette.flat()))] : []),
    ...(spec.trns ? [chunk('tRNS', trnsData(spec))] : []),
    chunk('IDAT', idatData.subarray(0, half)),
    chunk('IDAT', idatData.subarray(half)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function trnsData(spec: PngSpec): Buffer {
  const values = spec.trns ?? [];
  if (spec.colourType === 3) return Buffer.from(values);
  const data = Buffer.alloc(values.length * 2);
  values.forEach((value, i) => {
    data.writeUInt16BE(value, i * 2);
  });
  return data;
}
