import { describe, expect, it } from 'vitest';
import { SignatureImageError, signaturePng } from '#domain/signature';

/** A PNG signature and IHDR header claiming `width` × `height` pixels (no image data needed). */
function pngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  return header;
}
const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

describe('signaturePng', () => {
  it('returns the bytes of a PNG data URL of a sane canvas', () => {
    const bytes = pngHeader(800, 300);
    expect(signaturePng(dataUrl(bytes)).equals(bytes)).toBe(true);
  });

  it('refuses another media type and bytes that are not a PNG', () => {
    expect(() => signaturePng('data:image/jpeg;base64,AAAA')).toThrow(SignatureImageError);
    expect(() => signaturePng(dataUrl(Buffer.from('GIF89a not a png at all, long enough to read')))).toThrow(
      'the signature is not a PNG image',
    );
  });

  it('refuses a small file that claims a huge or empty canvas before anything inflates it', () => {
    expect(() => signaturePng(dataUrl(pngHeader(40_000, 40_000)))).toThrow(/too large/);
    expect(() => signaturePng(dataUrl(pngHeader(0, 10)))).toThrow(SignatureImageError);
  });

  it('points the 422 at the signature field', () => {
    try {
      signaturePng('nope');
      expect.fail('should refuse');
    } catch (error) {
      expect((error as SignatureImageError).details).toEqual([
        { path: 'body.signature', message: 'the signature must be a PNG data URL' },
      ]);
    }
  });
});
