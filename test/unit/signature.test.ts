import { PNG } from 'pngjs';
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

  it.each([
    ['wrong CRC', 'the signature image cannot be used: bad checksum in the IHDR chunk'],
    ['APNG', 'the signature image cannot be used: animated PNGs are not supported'],
    ['JPEG renamed', 'the signature image cannot be used: the file is not a PNG image'],
    ['zero width', 'the signature image is 0×50 pixels: it is empty'],
    ['20,000 px wide', 'the signature image is 20000×50 pixels, larger than 2000×1000'],
    ['blank', 'the signature image is blank: draw your signature, or type your name only'],
  ])('says why it refuses %s', (name, message) => {
    // Arrange
    const signature = hostileSignatures()[name] ?? '';

    // Act / Assert
    expect(() => decodeSignature(signature)).toThrow(new SignatureImageError(message));
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
    expect([pdfCopy.width, pdfCopy.height, pdfCopy.rgb.length]).toEqual([240, 80, 240 * 80 * 3]);
  });

  it('flattens the PDF copy onto white, rows top to bottom', () => {
    // Arrange: a stroke in the top rows; below it, half-transparent black, then fully transparent red.
    const png = new PNG({ width: 40, height: 20 });
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 40; x++) {
        const pixel = y < 2 ? [10, 20, 30, 255] : y < 10 ? [0, 0, 0, 128] : [255, 0, 0, 0];
        png.data.set(pixel, (y * 40 + x) * 4);
      }
    }

    // Act
    const { width, height, rgb } = signatureForPdf(dataUrl(PNG.sync.write(png)));

    // Assert: 255 × (1 − α) + value × α for each channel.
    expect([width, height]).toEqual([40, 20]);
    expect([...rgb.subarray(0, 3)]).toEqual([10, 20, 30]);
    expect([...rgb.subarray(5 * 40 * 3, 5 * 40 * 3 + 3)]).toEqual([127, 127, 127]);
    expect([...rgb.subarray(19 * 40 * 3, 19 * 40 * 3 + 3)]).toEqual([255, 255, 255]);
  });
});
