import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { persistentSecret } from './config.ts';

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
  return Buffer.from(persistentSecret(dataDir, SECRET_FILE), 'base64url');
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
