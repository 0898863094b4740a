import { createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The key that seals link tokens in the outbox. `LINK_KEY` (32+ random characters) is used when set
 * (local stack, tests); in the cloud the stack passes `LINK_KEY_SECRET_ARN` and the key is read
 * from Secrets Manager once per cold start.
 */
let cached: Promise<Buffer> | undefined;

/** Any long random string will do: the AES key is its SHA-256. */
function decode(value: string, source: string): Buffer {
  if (value.trim().length < 32) throw new Error(`${source} must be at least 32 random characters`);
  return createHash('sha256').update(value.trim(), 'utf8').digest();
}

export function linkKey(): Promise<Buffer> {
  cached ??= (async () => {
    const inline = process.env.LINK_KEY;
    if (inline) return decode(inline, 'LINK_KEY');
    const arn = process.env.LINK_KEY_SECRET_ARN;
    if (!arn) throw new Error('environment variable LINK_KEY or LINK_KEY_SECRET_ARN is required');
    const client = new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('the link key secret is empty');
    return decode(out.SecretString, 'the link key secret');
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
