import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { selfSignedCertificate } from './certificate.ts';
import { type SealSigner, sha256 } from './signer.ts';

/** The part of the KMS client the signer uses: the real client, or a test double. */
export type KmsLike = Pick<KMSClient, 'send'>;

export interface KmsSignerOptions {
  keyId: string;
  /** The organisation named by a generated certificate. */
  organisation: string;
  /**
   * The certificate chain ops provide (leaf first, DER), e.g. from a CA on Adobe's trust list.
   * Without it, a self-signed certificate is built for the key (untrusted in Acrobat).
   */
  chain?: () => Promise<Uint8Array[]>;
}

/**
 * Fixed validity of the generated certificate: with the key's public half and a deterministic
 * signature scheme, every cold start builds the very same certificate without storing it.
 */
const GENERATED_NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const GENERATED_NOT_AFTER = new Date('2046-01-01T00:00:00Z');

/** Seals with an asymmetric KMS key (RSA_2048, SIGN_VERIFY): KMS signs the digest, the key stays there. */
export class KmsSigner implements SealSigner {
  readonly kind = 'kms';
  private chain: Promise<Uint8Array[]> | undefined;

  constructor(
    private readonly client: KmsLike,
    private readonly options: KmsSignerOptions,
  ) {}

  async signDigest(digest: Uint8Array): Promise<Uint8Array> {
    const out = await this.client.send(
      new SignCommand({
        KeyId: this.options.keyId,
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      }),
    );
    if (!out.Signature) throw new Error('KMS returned no signature');
    return out.Signature;
  }

  certificates(): Promise<Uint8Array[]> {
    this.chain ??= (this.options.chain ? this.options.chain() : this.generated()).then((chain) => {
      if (chain.length === 0) throw new Error('the seal certificate chain is empty');
      return chain;
    });
    this.chain.catch(() => {
      this.chain = undefined;
    });
    return this.chain;
  }

  private async generated(): Promise<Uint8Array[]> {
    const key = await this.client.send(new GetPublicKeyCommand({ KeyId: this.options.keyId }));
    if (!key.PublicKey) throw new Error('KMS returned no public key');
    const certificate = await selfSignedCertificate({
      publicKey: key.PublicKey,
      organisation: this.options.organisation,
      notBefore: GENERATED_NOT_BEFORE,
      notAfter: GENERATED_NOT_AFTER,
      sign: (tbs) => this.signDigest(sha256(tbs)),
    });
    return [certificate];
  }
}
