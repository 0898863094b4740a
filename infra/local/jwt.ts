import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** Tokens the local stack accepts carry this issuer, so a token from another system is refused. */
export const LOCAL_ISSUER = 'closer-local';
export const TOKEN_LIFETIME = '12h';
const ALGORITHM = 'HS256';

export interface TokenSubject {
  sub: string;
  email: string;
  name: string;
  groups: string[];
}

/** The claims API Gateway's JWT authorizer would hand to the handlers (Cognito's group claim). */
export interface LocalClaims extends JWTPayload {
  sub: string;
  email: string;
  name: string;
  'cognito:groups': string[];
}

const SECRET_FILE = 'jwt-secret';

/**
 * The signing secret: `LOCAL_JWT_SECRET` when set, else a random one created once under `dataDir`.
 * Keeping it on disk lets tokens outlive a restart and lets `npm run token` (another process) sign
 * tokens that the running stack accepts.
 */
export function localSecret(dataDir: string): Uint8Array {
  const fromEnv = process.env.LOCAL_JWT_SECRET;
  if (fromEnv) return new TextEncoder().encode(fromEnv);
  const file = join(dataDir, SECRET_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx` fails when the file exists, so two processes starting at once agree on one secret.
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readFileSync(file, 'utf8').trim();
  if (stored === '') throw new Error(`${file} is empty: delete it and start again`);
  return Buffer.from(stored, 'base64url');
}

export async function signToken(subject: TokenSubject, secret: Uint8Array): Promise<string> {
  return new SignJWT({ email: subject.email, name: subject.name, 'cognito:groups': subject.groups })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(subject.sub)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(secret);
}

/** Verifies signature, issuer and expiry; throws (with jose's reason) when any check fails. */
export async function verifyToken(token: string, secret: Uint8Array): Promise<LocalClaims> {
  const { payload } = await jwtVerify(token, secret, { issuer: LOCAL_ISSUER, algorithms: [ALGORITHM] });
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('the token has no subject');
  return payload as LocalClaims;
}
