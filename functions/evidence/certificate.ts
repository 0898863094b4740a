import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * The seal's X.509 certificate, built from a public key and a "sign these bytes" function, so the
 * same code serves the local key (node:crypto) and a key that never leaves KMS. Everything in it is
 * derived from its inputs (serial from the key, fixed validity dates) and RSASSA-PKCS1-v1_5 is
 * deterministic: building it twice for the same key gives the same bytes, which is what lets a
 * Lambda rebuild it at each cold start instead of storing it.
 */

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';
const KEY_USAGE = '2.5.29.15';
const BASIC_CONSTRAINTS = '2.5.29.19';
const SUBJECT_KEY_ID = '2.5.29.14';
const EXTENDED_KEY_USAGE = '2.5.29.37';
/** Adobe's "document signing" purpose (1.2.840.113583.1.1.5) and PDF signing in general. */
const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';

export interface CertificateRequest {
  /** The public key, DER SubjectPublicKeyInfo (RSA). */
  publicKey: Uint8Array;
  /** Printed as the certificate's subject: CN and O. */
  organisation: string;
  notBefore: Date;
  notAfter: Date;
  /** Signs the DER to-be-signed part with RSASSA-PKCS1-v1_5 / SHA-256. */
  sign(tbs: Uint8Array): Promise<Uint8Array>;
}

function name(organisation: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({
        type: COMMON_NAME,
        value: new asn1js.Utf8String({ value: organisation }),
      }),
      new pkijs.AttributeTypeAndValue({
        type: ORGANIZATION,
        value: new asn1js.Utf8String({ value: organisation }),
      }),
    ],
  });
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** A self-signed certificate (DER) for the key, usable for document signatures. */
export async function selfSignedCertificate(request: CertificateRequest): Promise<Uint8Array> {
  const keyId = createHash('sha1').update(request.publicKey).digest();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  // A positive serial from the key: stable for the key, distinct between keys.
  const serial = Buffer.from(createHash('sha256').update(request.publicKey).digest().subarray(0, 16));
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial) });
  cert.issuer = name(request.organisation);
  cert.subject = name(request.organisation);
  cert.notBefore.value = request.notBefore;
  cert.notAfter.value = request.notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(toArrayBuffer(request.publicKey));
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0xc0]).buffer, unusedBits: 6 });
  cert.extensions = [
    new pkijs.Extension({
      extnID: BASIC_CONSTRAINTS,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false),
    }),
    // digitalSignature + nonRepudiation (contentCommitment)
    new pkijs.Extension({ extnID: KEY_USAGE, critical: true, extnValue: keyUsage.toBER(false) }),
    new pkijs.Extension({
      extnID: EXTENDED_KEY_USAGE,
      extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [DOCUMENT_SIGNING] }).toSchema().toBER(false),
    }),
    new pkijs.Extension({
      extnID: SUBJECT_KEY_ID,
      extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) }).toBER(false),
    }),
  ];
  const algorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: SHA256_WITH_RSA,
    algorithmParams: new asn1js.Null(),
  });
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(await request.sign(tbs)) });
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/** The certificate's subject as one line (`CN=…, O=…`), for the verify page and the evidence. */
export function certificateSubject(der: Uint8Array): string {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  const labels: Record<string, string> = { [COMMON_NAME]: 'CN', [ORGANIZATION]: 'O', '2.5.4.6': 'C' };
  return cert.subject.typesAndValues
    .map((tv) => `${labels[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join(', ');
}

export function toPem(der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** Every certificate of a PEM bundle (the chain ops provide), leaf first, as DER. */
export function fromPem(pem: string): Uint8Array[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map(
    (block) => new Uint8Array(Buffer.from(block.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')),
  );
}

/** The certificates embedded in a signed PDF's last signature (its CMS SignedData), leaf first. */
export function sealCertificatesOf(pdf: Uint8Array): Uint8Array[] {
  const text = Buffer.from(pdf).toString('latin1');
  const matches = [...text.matchAll(/\/Contents\s*<([0-9a-fA-F]+)>/g)];
  const hex = matches.at(-1)?.[1];
  if (!hex) return [];
  const der = Buffer.from(hex, 'hex');
  const info = pkijs.ContentInfo.fromBER(toArrayBuffer(new Uint8Array(der)));
  const signed = new pkijs.SignedData({ schema: info.content });
  return (signed.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new Uint8Array(c.toSchema(true).toBER(false)));
}
