import {
  constants,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPem, selfSignedCertificate, toPem } from './certificate.ts';

/**
 * Who seals the signed copies. One interface, two keys: a local RSA key kept in `SEAL_DIR` (the
 * local stack, tests, benchmarks) and an AWS KMS key whose private half never leaves KMS (the
 * cloud). Both sign a SHA-256 digest with RSASSA-PKCS1-v1_5, as KMS does, so the PDF code above
 * them cannot tell them apart.
 */
export interface SealSigner {
  /** `local`: a key file with a self-signed certificate; `kms`: an AWS KMS key. */
  readonly kind: 'local' | 'kms';
  /** The signing certificate first, then its chain (DER). */
  certificates(): Promise<Uint8Array[]>;
  /** RSASSA-PKCS1-v1_5 signature of a SHA-256 digest (32 bytes). */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}

/** DER prefix of a PKCS#1 DigestInfo for SHA-256: what RSASSA-PKCS1-v1_5 signs around the digest. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** RSASSA-PKCS1-v1_5 over a precomputed SHA-256 digest with a local private key. */
export function signDigestWithKey(key: KeyObject, digest: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new Error('a SHA-256 digest is 32 bytes');
  return new Uint8Array(
    privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([SHA256_DIGEST_INFO, digest]),
    ),
  );
}

export class LocalSigner implements SealSigner {
  readonly kind = 'local';
  constructor(
    private readonly key: KeyObject,
    private readonly chain: Uint8Array[],
  ) {}
  async certificates(): Promise<Uint8Array[]> {
    return this.chain;
  }
  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    return signDigestWithKey(this.key, digest);
  }
}

const KEY_FILE = 'seal-key.pem';
const CERTIFICATE_FILE = 'seal-certificate.pem';

/** The local seal's files in `dir`: present when the local stack was started once. */
export function localSealExists(dir: string): boolean {
  return existsSync(join(dir, KEY_FILE)) && existsSync(join(dir, CERTIFICATE_FILE));
}

/**
 * The local seal: a 2048-bit RSA key and a self-signed certificate for `organisation`, made on
 * first use and kept in `dir` (the key readable by its owner only). Returns whether it was created.
 */
export async function ensureLocalSeal(dir: string, organisation: string): Promise<{ created: boolean }> {
  if (localSealExists(dir)) return { created: false };
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = new Date();
  const certificate = await selfSignedCertificate({
    publicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
    organisation,
    // A day back, so a machine whose clock is a little behind still sees it valid.
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 86_400_000),
    sign: async (tbs) => signDigestWithKey(privateKey, sha256(tbs)),
  });
  const keyPath = join(dir, KEY_FILE);
  writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(join(dir, CERTIFICATE_FILE), toPem(certificate));
  return { created: true };
}

export function loadLocalSigner(dir: string): LocalSigner {
  if (!localSealExists(dir)) {
    throw new Error(`no seal key in ${dir}: the local stack creates it on start (SEAL_DIR)`);
  }
  const key = createPrivateKey(readFileSync(join(dir, KEY_FILE)));
  const chain = fromPem(readFileSync(join(dir, CERTIFICATE_FILE), 'utf8'));
  const leaf = chain[0];
  if (!leaf) throw new Error(`${join(dir, CERTIFICATE_FILE)} holds no certificate`);
  return new LocalSigner(key, chain);
}

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
