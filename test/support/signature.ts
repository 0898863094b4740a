import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

/**
 * Drawn signatures for tests: a good one (a dark stroke on white, as the quote page exports it) and
 * the hostile kinds the signing route must refuse.
 */

/** A 240×80 signature: a dark zigzag on white, RGBA. */
export function signaturePng(width = 240, height = 80): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(255);
  for (let x = 10; x < width - 10; x++) {
    const y = Math.round(height / 2 + (height / 4) * Math.sin(x / 12));
    for (let dy = -1; dy <= 1; dy++) {
      const i = ((y + dy) * width + x) * 4;
      png.data[i] = 29;
      png.data[i + 1] = 35;
      png.data[i + 2] = 43;
    }
  }
  return PNG.sync.write(png);
}

export const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

/** The good signature as a data URL. */
export const SIGNATURE = dataUrl(signaturePng());

function crc32(bytes: Buffer): number {
  let c = -1;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

/** One PNG chunk with a correct CRC. */
export function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = 6; // RGBA
  return chunk('IHDR', data);
}

/** A PNG made of the given raw scanlines (filter byte + RGBA), deflated. */
function rawPng(width: number, height: number, scanlines: Buffer): Buffer {
  return Buffer.concat([
    MAGIC,
    ihdr(width, height),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The hostile images of issue 10, by name. Each must be refused at signing with 422. */
export function hostileSignatures(): Record<string, string> {
  const good = signaturePng();
  const width = 100;
  const height = 50;
  const row = Buffer.alloc(1 + width * 4, 0);
  const badFilter = Buffer.concat(
    Array.from({ length: height }, (_, i) => {
      const r = Buffer.from(row);
      r[0] = i === 10 ? 9 : 0; // filter types stop at 4
      return r;
    }),
  );
  const wrongCrc = Buffer.from(good);
  wrongCrc.writeUInt32BE((wrongCrc.readUInt32BE(29) ^ 0xffff) >>> 0, 29); // IHDR's CRC
  const apngChunks = Buffer.alloc(8);
  apngChunks.writeUInt32BE(1, 0);
  const apng = Buffer.concat([good.subarray(0, 33), chunk('acTL', apngChunks), good.subarray(33)]);
  const blank = new PNG({ width: 200, height: 60 });
  blank.data.fill(255);
  const transparent = new PNG({ width: 200, height: 60 });
  transparent.data.fill(0);
  const jpeg = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9,
  ]);
  return {
    // From the issue: a valid header, then an IDAT whose content is not zlib data.
    'corrupt zlib data':
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQAAAAyCAYAAACqNX6+AAAADUlEQVRub3QgemxpYiBkYXRhGS8RbwAAAABJRU5ErkJggg==',
    'header only': 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQAAAAyCAYAAACqNX6+',
    'truncated data': dataUrl(good.subarray(0, good.length - 40)),
    'bad filter byte': dataUrl(rawPng(width, height, badFilter)),
    'truncated pixel data': dataUrl(rawPng(width, height, row)),
    'zero width': dataUrl(Buffer.concat([MAGIC, ihdr(0, 50), chunk('IEND', Buffer.alloc(0))])),
    '20,000 px wide': dataUrl(
      Buffer.concat([
        MAGIC,
        ihdr(20_000, 50),
        chunk('IDAT', deflateSync(Buffer.alloc(10))),
        chunk('IEND', Buffer.alloc(0)),
      ]),
    ),
    'wrong CRC': dataUrl(wrongCrc),
    APNG: dataUrl(apng),
    'JPEG renamed': dataUrl(jpeg),
    blank: dataUrl(PNG.sync.write(blank)),
    'fully transparent': dataUrl(PNG.sync.write(transparent)),
    'data after IEND': dataUrl(Buffer.concat([good, Buffer.from('trailing')])),
  };
}
