import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, isTokenShaped, newToken, sealToken, sha256Hex, unsealToken } from '#domain/tokens';

describe('capability tokens', () => {
  it('are 256 random bits in base64url, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 100 }, newToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(isTokenShaped(token)).toBe(true);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('refuse anything that is not 43 base64url characters', () => {
    expect(isTokenShaped('')).toBe(false);
    expect(isTokenShaped('a'.repeat(42))).toBe(false);
    expect(isTokenShaped(`${'a'.repeat(42)}=`)).toBe(false);
    expect(isTokenShaped(`${'a'.repeat(42)}/`)).toBe(false);
  });

  it('are stored as their SHA-256 in hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(hashToken('abc'));
  });
});

describe('sealed tokens', () => {
  const key = randomBytes(32);

  it('open with the key they were sealed with', () => {
    const token = newToken();
    const sealed = sealToken(token, key);
    expect(sealed).not.toContain(token);
    expect(unsealToken(sealed, key)).toBe(token);
  });

  it('seal the same token differently each time', () => {
    const token = newToken();
    expect(sealToken(token, key)).not.toBe(sealToken(token, key));
  });

  it('refuse another key, a tampered body and a malformed value', () => {
    const sealed = sealToken(newToken(), key);
    expect(() => unsealToken(sealed, randomBytes(32))).toThrow();
    const [iv, tag, body = ''] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => unsealToken([iv, tag, flipped.toString('base64url')].join('.'), key)).toThrow();
    expect(() => unsealToken('nothing', key)).toThrow('sealed token is malformed');
  });
});
