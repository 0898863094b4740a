import { describe, expect, it } from 'vitest';
import { canonicalSignature, decodeSignature, SignatureImageError, signatureForPdf } from '#domain/signature';
import { dataUrl, hostileSignatures, SIGNATURE, signaturePng } from '#test/signature';

describe('decodeSignature', () => {
  it('decodes a drawn signature whole', () => {
    const image = decodeSignature(SIGNATURE);
    expect([image.width, image.height, image.rgba.length]).toEqual([240, 80, 240 * 80 * 4]);
  });

  it.each(Object.entries(hostileSignatures()))('refuses %s', (_name, signature) => {
    expect(() => decodeSignature(signature)).toThrow(SignatureImageError);
  });

  it('refuses a small file that claims a huge canvas before anything inflates it', () => {
    const bytes = signaturePng();
    bytes.writeUInt32BE(40_000, 16);
    expect(() => decodeSignature(dataUrl(bytes))).toThrow(/checksum|larger/);
  });

  it('points the 422 at the signature field', () => {
    try {
      decodeSignature('nope');
      expect.fail('should refuse');
    } catch (error) {
      expect((error as SignatureImageError).details).toEqual([
        { path: 'body.signature', message: 'the signature must be a PNG data URL' },
      ]);
    }
  });
});

describe('canonicalSignature and signatureForPdf', () => {
  it('re-encode deterministically, the PDF copy opaque RGB', () => {
    expect(canonicalSignature(SIGNATURE)).toBe(canonicalSignature(SIGNATURE));
    expect(decodeSignature(canonicalSignature(SIGNATURE)).rgba.equals(decodeSignature(SIGNATURE).rgba)).toBe(
      true,
    );
    const pdfCopy = signatureForPdf(SIGNATURE);
    expect(pdfCopy[25]).toBe(2); // IHDR colour type: RGB, no alpha
  });
});
