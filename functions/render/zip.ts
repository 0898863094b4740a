import { crc32 } from 'node:zlib';

/**
 * A zip archive of stored (uncompressed) entries: the evidence bundle's container. Its PDFs are
 * compressed already and the rest is a few kilobytes of text, so deflating would save little, and
 * a stored zip is a few dozen lines instead of a compression library in the `documents` bundle.
 * Names are UTF-8 (flag bit 11); every entry carries the same modification time, so the same
 * files give the same bytes. No ZIP64: an entry and the archive stay under 4 GiB.
 */
export function storedZip(files: Record<string, Uint8Array>, modified: Date): Uint8Array {
  const { time, date } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(10, 4); // version needed: 1.0 (stored)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.byteLength, 18); // compressed size
    local.writeUInt32LE(data.byteLength, 22); // uncompressed size
    local.writeUInt16LE(nameBytes.byteLength, 26);
    local.writeUInt16LE(0, 28); // no extra field
    locals.push(local, nameBytes, Buffer.from(data.buffer, data.byteOffset, data.byteLength));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(10, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(nameBytes.byteLength, 28);
    // Extra field, comment, disk number, internal and external attributes: none (zeros).
    central.writeUInt32LE(offset, 42); // where the local header starts
    centrals.push(central, nameBytes);

    offset += local.byteLength + nameBytes.byteLength + data.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8); // entries on this disk
  end.writeUInt16LE(count, 10); // entries in all
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16); // where the central directory starts
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** MS-DOS time and date fields (2-second precision, from 1980), read in UTC. */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.min(Math.max(at.getUTCFullYear(), 1980), 2107);
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
