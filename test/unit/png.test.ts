import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { decodePng, encodePng, PngError, type PngPixels } from '#domain/png';
import { ihdrData, type PngSpec, pngFile, scanlines } from '#test/png';
import { chunk, hostileSignatures } from '#test/signature';

/** Deterministic pseudo-random values in [0, range): a hash of the position (murmur3's finaliser). */
function noise(x: number, y: number, channel: number, range: number): number {
  let h = Math.imul(x + 1, 0x9e3779b1) ^ Math.imul(y + 1, 0x85ebca77) ^ Math.imul(channel + 1, 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % range;
}

const MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SIZES = [
  [1, 1],
  [3, 5],
  [17, 9],
  [8, 8],
  [2, 33],
] as const;

type Case = Omit<PngSpec, 'width' | 'height'> & { name: string };

/** Every colour type at every bit depth it allows, with and without transparency. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const depth of [1, 2, 4, 8, 16] as const) {
    const range = 2 ** depth;
    // Grey: plain, then with a colour key that a third of the pixels hit.
    const grey = (x: number, y: number) => noise(x, y, 0, range);
    out.push({ name: `grey ${depth}`, colourType: 0, depth, sample: grey });
    const key = range - 1 - (range >> 2);
    const keyed = (x: number, y: number) => ((x + y) % 3 === 0 ? key : grey(x, y));
    out.push({ name: `grey ${depth} + tRNS`, colourType: 0, depth, sample: keyed, trns: [key] });
    if (depth === 16) continue;
    // Palette: as many entries as the depth allows (200 at 8 bits), half of them with an alpha.
    const entries = Math.min(range, 200);
    const palette = Array.from({ length: entries }, (_, i) =>
      [i * 37, 255 - i, (i * 91) % 256].map((v) => v % 256),
    );
    const index = (x: number, y: number) => noise(x, y, 0, entries);
    out.push({ name: `palette ${depth}`, colourType: 3, depth, sample: index, palette });
    const alphas = Array.from({ length: Math.ceil(entries / 2) }, (_, i) => (i * 73) % 256);
    out.push({ name: `palette ${depth} + tRNS`, colourType: 3, depth, sample: index, palette, trns: alphas });
  }
  for (const depth of [8, 16] as const) {
    const range = 2 ** depth;
    const sample = (x: number, y: number, c: number) => noise(x, y, c, range);
    const key = [range - 1, 0, range >> 1];
    const keyed = (x: number, y: number, c: number) => ((x + y) % 3 === 0 ? (key[c] ?? 0) : sample(x, y, c));
    out.push({ name: `RGB ${depth}`, colourType: 2, depth, sample });
    out.push({ name: `RGB ${depth} + tRNS`, colourType: 2, depth, sample: keyed, trns: key });
    out.push({ name: `grey + alpha ${depth}`, colourType: 4, depth, sample });
    out.push({ name: `RGBA ${depth}`, colourType: 6, depth, sample });
  }
  return out;
}

const MATRIX = cases().flatMap((c) =>
  [false, true].flatMap((interlaced) =>
    SIZES.map(([width, height], i) => ({
      ...c,
      width,
      height,
      interlaced,
      // Each file starts on another filter type, so that a one-row image uses more than type 0.
      filter: (row: number) => (row + i) % 5,
      label: `${c.name}${interlaced ? ' interlaced' : ''} ${width}×${height}`,
    })),
  ),
);

describe('decodePng', () => {
  it.each(MATRIX)('decodes $label as pngjs does, byte for byte', (spec) => {
    // Arrange
    const file = pngFile(spec);

    // Act
    const image = decodePng(file);

    // Assert
    const reference = PNG.sync.read(file);
    expect([image.width, image.height]).toEqual([spec.width, spec.height]);
    expect(image.rgba.equals(reference.data)).toBe(true);
  });

  it.each([0, 1, 2, 3, 4])('undoes filter type %i on every row of a larger image', (filter) => {
    // Arrange: enough varied bytes that every branch of each predictor (Paeth's ties too) is taken.
    const spec: PngSpec = {
      width: 61,
      height: 47,
      colourType: 6,
      depth: 8,
      sample: (x, y, c) => noise(x, y, c, 256),
      filter: () => filter,
    };
    const file = pngFile(spec);

    // Act
    const image = decodePng(file);

    // Assert
    expect(image.rgba.equals(PNG.sync.read(file).data)).toBe(true);
  });

  it('rounds every 16-bit sample to 8 bits as pngjs does', () => {
    // Arrange: a 256×256 grey image holding each of the 65,536 values once.
    const spec: PngSpec = {
      width: 256,
      height: 256,
      colourType: 0,
      depth: 16,
      sample: (x, y) => y * 256 + x,
      filter: () => 0,
    };
    const file = pngFile(spec);

    // Act
    const image = decodePng(file);

    // Assert: the same bytes as pngjs, which rounds to nearest (v / 257); 128 → 0, 129 → 1.
    expect(image.rgba.equals(PNG.sync.read(file).data)).toBe(true);
    expect([image.rgba[128 * 4], image.rgba[129 * 4], image.rgba[65_535 * 4]]).toEqual([0, 1, 255]);
  });

  it('makes the tRNS colour key transparent black, as pngjs does', () => {
    // Arrange: a 2×1 RGB image, its second pixel the key.
    const file = pngFile({
      width: 2,
      height: 1,
      colourType: 2,
      depth: 8,
      sample: (x, _y, c) => (x === 1 ? 40 : 200) + c,
      trns: [40, 41, 42],
    });

    // Act
    const { rgba } = decodePng(file);

    // Assert
    expect([...rgba]).toEqual([200, 201, 202, 255, 0, 0, 0, 0]);
  });

  it('calls checkSize with the header dimensions before inflating anything', () => {
    // Arrange: a valid header followed by pixel data that is not zlib data at all.
    const file = Buffer.concat([
      MAGIC,
      chunk('IHDR', ihdrData(4000, 3000, 8, 6)),
      chunk('IDAT', Buffer.from('not zlib data')),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const checkSize = vi.fn(() => {
      throw new RangeError('too large for us');
    });

    // Act / Assert: the caller's error, not the inflate error that would come later.
    expect(() => decodePng(file, { checkSize })).toThrow('too large for us');
    expect(checkSize).toHaveBeenCalledWith(4000, 3000);
    expect(() => decodePng(file)).toThrow(/not zlib data/);
  });

  const PNG_LEVEL = Object.entries(hostileSignatures()).filter(
    ([name]) => !['20,000 px wide', 'blank', 'fully transparent'].includes(name),
  );

  it.each(PNG_LEVEL)('refuses the hostile signature "%s" with PngError', (_name, dataUrl) => {
    // Arrange
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');

    // Act / Assert
    expect(() => decodePng(bytes)).toThrow(PngError);
  });

  it('decodes the hostile signatures that are valid PNGs (their faults are size or ink)', () => {
    // Arrange
    const all = hostileSignatures();
    const bytes = (name: string) => Buffer.from((all[name] ?? '').split(',')[1] ?? '', 'base64');

    // Act / Assert: blank and transparent images are PNGs; the wide one is refused only for its size.
    expect(decodePng(bytes('blank')).width).toBe(200);
    expect(decodePng(bytes('fully transparent')).rgba.every((v) => v === 0)).toBe(true);
    expect(() => decodePng(bytes('20,000 px wide'))).toThrow(/pixel data is incomplete/);
    const sizes: number[][] = [];
    expect(() => decodePng(bytes('20,000 px wide'), { checkSize: (w, h) => sizes.push([w, h]) })).toThrow(
      PngError,
    );
    expect(sizes).toEqual([[20_000, 50]]);
  });

  const grey8 = (sample: PngSpec['sample'] = () => 0): PngSpec => ({
    width: 4,
    height: 4,
    colourType: 0,
    depth: 8,
    sample,
  });
  const withChunks = (spec: PngSpec, insert: Buffer[], at: number) => {
    // Splices chunks into a valid file after its first `at` chunks (IHDR, IDAT, IDAT, IEND).
    const file = pngFile(spec);
    let offset = 8;
    for (let i = 0; i < at; i++) offset += 12 + file.readUInt32BE(offset);
    return Buffer.concat([file.subarray(0, offset), ...insert, file.subarray(offset)]);
  };

  it.each([
    [
      'a palette index out of range',
      pngFile({
        width: 3,
        height: 1,
        colourType: 3,
        depth: 2,
        palette: [
          [0, 0, 0],
          [9, 9, 9],
        ],
        sample: (x) => x,
      }),
      /colour 2 of a palette of 2/,
    ],
    [
      'bit depth 4 with RGB',
      pngFile({ ...grey8(), colourType: 2, depth: 4 }),
      /bit depth 4 .* colour type 2/,
    ],
    [
      'bit depth 16 with a palette',
      pngFile({ ...grey8(), colourType: 3, depth: 16, palette: [[1, 2, 3]] }),
      /bit depth 16/,
    ],
    ['bit depth 3', pngFile({ ...grey8(), depth: 3 as 8 }), /bit depth 3/],
    ['colour type 5', pngFile({ ...grey8(), colourType: 5 as 0 }), /colour type 5/],
    ['a palette image without PLTE', pngFile({ ...grey8(), colourType: 3 }), /no palette/],
    [
      'truncated compressed data',
      pngFile(grey8(), deflateSync(scanlines(grey8())).subarray(0, 12)),
      /not zlib data \(unexpected end of file\)/,
    ],
    [
      'pixel data one byte longer than the image',
      pngFile(grey8(), deflateSync(Buffer.alloc(4 * 5 + 1))),
      /larger than the image/,
    ],
    [
      'more pixel data than the image',
      pngFile(grey8(), deflateSync(Buffer.alloc(5 * 5))),
      /larger than the image/,
    ],
    [
      'a zlib bomb (a small IDAT that inflates to 64 MB)',
      pngFile(grey8(), deflateSync(Buffer.alloc(64 * 1024 * 1024))),
      /larger than the image/,
    ],
    [
      'an unknown critical chunk',
      withChunks(grey8(), [chunk('CRIT', Buffer.alloc(1))], 1),
      /critical CRIT chunk/,
    ],
    [
      'IDAT chunks apart',
      withChunks(grey8(), [chunk('tEXt', Buffer.from('a\0b'))], 2),
      /IDAT chunks are not consecutive/,
    ],
    [
      'a palette after the pixel data',
      withChunks(grey8(), [chunk('PLTE', Buffer.alloc(3))], 3),
      /PLTE chunk comes after the pixel data/,
    ],
    [
      'a grey colour key of the wrong length',
      withChunks(grey8(), [chunk('tRNS', Buffer.alloc(6))], 1),
      /tRNS chunk has the wrong length/,
    ],
    [
      'a header claiming a gigapixel canvas',
      Buffer.concat([MAGIC, chunk('IHDR', ihdrData(100_000, 100_000, 8, 6)), chunk('IEND', Buffer.alloc(0))]),
      /100000×100000 pixels, more than this decoder handles/,
    ],
    [
      'an IHDR chunk of the wrong length',
      Buffer.concat([MAGIC, chunk('IHDR', Buffer.alloc(5)), pngFile(grey8()).subarray(33)]),
      /IHDR chunk has the wrong length/,
    ],
    ['a file that stops at IHDR', pngFile(grey8()).subarray(0, 33), /the file is truncated/],
  ])('refuses %s with PngError', (_name, file, message) => {
    // Act / Assert
    expect(() => decodePng(file)).toThrow(PngError);
    expect(() => decodePng(file)).toThrow(message);
  });

  it('throws nothing but PngError on damaged files whose checksums are right', () => {
    // Arrange: two small files (palette + tRNS interlaced, 16-bit RGBA), each byte change followed by
    // correct CRCs so that it reaches the header, palette and pixel data checks.
    const sources = ['palette 2 + tRNS interlaced 17×9', 'RGBA 16 17×9'].map((label) => {
      const spec = MATRIX.find((c) => c.label === label);
      if (spec === undefined) throw new Error(`no ${label} in the matrix`);
      return spec;
    });
    const refusedWith = new Set<string>();
    let decoded = 0;
    for (const spec of sources) {
      const file = pngFile(spec);
      for (let trial = 0; trial < 400; trial++) {
        const damaged = Buffer.from(file);
        damaged[8 + noise(trial, 1, 0, file.length - 8)] = noise(trial, 2, 0, 256);

        // Act
        try {
          decodePng(withRightCrcs(damaged));
          decoded++;
        } catch (error) {
          // Assert
          expect(error).toBeInstanceOf(PngError);
          refusedWith.add((error as Error).message.replace(/\d+/g, 'N'));
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
    expect(refusedWith.size).toBeGreaterThan(5);
  });

  it('ignores ancillary chunks it does not know', () => {
    // Arrange
    const file = withChunks(
      grey8((x) => x * 60),
      [chunk('tEXt', Buffer.from('Software\0test'))],
      1,
    );

    // Act / Assert
    expect(decodePng(file).rgba.equals(PNG.sync.read(file).data)).toBe(true);
  });
});

/** The file with each chunk's CRC made right again, so that a change gets past the CRC check. */
function withRightCrcs(file: Buffer): Buffer {
  const parts = [file.subarray(0, 8)];
  let offset = 8;
  while (offset + 12 <= file.length && offset + 12 + file.readUInt32BE(offset) <= file.length) {
    const end = offset + 8 + file.readUInt32BE(offset);
    parts.push(chunk(file.toString('latin1', offset + 4, offset + 8), file.subarray(offset + 8, end)));
    offset = end + 4;
  }
  return Buffer.concat([...parts, file.subarray(offset)]);
}

/** Pixels with every kind of value: varied colours, alphas from 0 to 255. */
function somePixels(width: number, height: number): PngPixels {
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = noise(i % 13, i, i % 4, 256);
  return { width, height, rgba };
}

describe('encodePng', () => {
  it('writes RGBA that pngjs and decodePng read back unchanged', () => {
    // Arrange
    const pixels = somePixels(17, 9);

    // Act
    const file = encodePng(pixels);

    // Assert
    expect(file[25]).toBe(6); // IHDR colour type: RGBA
    expect(PNG.sync.read(file).data.equals(pixels.rgba)).toBe(true);
    expect(decodePng(file)).toEqual(pixels);
  });

  it('gives the same bytes for the same pixels', () => {
    // Arrange
    const pixels = somePixels(64, 20);
    const copy = { ...pixels, rgba: Buffer.from(pixels.rgba) };

    // Act / Assert
    expect(encodePng(pixels).equals(encodePng(copy))).toBe(true);
  });

  it('refuses pixels that do not match their size', () => {
    expect(() => encodePng({ width: 2, height: 2, rgba: Buffer.alloc(12) })).toThrow(PngError);
    expect(() => encodePng({ width: 0, height: 2, rgba: Buffer.alloc(0) })).toThrow(PngError);
  });
});
