import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { storedZip } from '#render/zip';

const FILES = {
  'Q-2026-0001-v1.pdf': new Uint8Array(Buffer.from('%PDF-1.7\n% a stored quote\n%%EOF\n')),
  'quote.json': new Uint8Array(Buffer.from('{"number":"Q-2026-0001"}\n')),
  'README – lisez-moi.txt': new Uint8Array(Buffer.from('Évidence: vérifiez chaque fichier.\n')),
  'empty.txt': new Uint8Array(0),
};
const SENT = new Date('2026-11-23T10:15:31.000Z');

describe('storedZip (the evidence bundle container)', () => {
  it('holds every file byte for byte under its UTF-8 name', () => {
    // Act
    const zip = storedZip(FILES, SENT);

    // Assert: read back by an independent reader.
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual(Object.keys(FILES));
    for (const [name, data] of Object.entries(FILES)) {
      expect(Buffer.from(entries[name] ?? []).equals(Buffer.from(data)), name).toBe(true);
    }
    expect(strFromU8(entries['README – lisez-moi.txt'] ?? new Uint8Array())).toContain('vérifiez');
  });

  it('gives the same bytes for the same files and date, with the date in every entry', () => {
    const a = storedZip(FILES, SENT);
    const b = storedZip(FILES, new Date(SENT));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(storedZip(FILES, new Date('2026-11-24T10:15:31.000Z'))).equals(Buffer.from(a))).toBe(
      false,
    );
    // The DOS date of 23 November 2026 and time 10:15:30 (2-second precision), in the first header.
    const header = Buffer.from(a);
    expect(header.readUInt16LE(12)).toBe(((2026 - 1980) << 9) | (11 << 5) | 23);
    expect(header.readUInt16LE(10)).toBe((10 << 11) | (15 << 5) | 15);
  });

  it("records each entry's CRC-32 and sizes in its local header and in the central directory", () => {
    const zip = Buffer.from(storedZip(FILES, SENT));
    // The central directory, from the end record.
    const end = zip.length - 22;
    expect(zip.readUInt32LE(end)).toBe(0x06054b50);
    expect(zip.readUInt16LE(end + 10)).toBe(Object.keys(FILES).length);
    let at = zip.readUInt32LE(end + 16);
    for (const [name, data] of Object.entries(FILES)) {
      expect(zip.readUInt32LE(at)).toBe(0x02014b50);
      const nameLength = zip.readUInt16LE(at + 28);
      expect(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8')).toBe(name);
      const local = zip.readUInt32LE(at + 42);
      expect(zip.readUInt32LE(local)).toBe(0x04034b50);
      for (const [crcAt, sizeAt] of [
        [at + 16, at + 20],
        [local + 14, local + 18],
      ] as const) {
        expect(zip.readUInt32LE(crcAt), name).toBe(referenceCrc32(data));
        expect(zip.readUInt32LE(sizeAt), name).toBe(data.byteLength);
      }
      at += 46 + nameLength;
    }
  });
});

/** CRC-32 (IEEE 802.3, as zip uses it), bit by bit: a reference apart from the code under test. */
function referenceCrc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
