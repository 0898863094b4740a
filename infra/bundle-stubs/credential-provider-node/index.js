/**
 * What the bundles carry instead of @aws-sdk/credential-provider-node (esbuild alias,
 * infra/constructs/function.ts). Lambda hands each function its role's credentials in the
 * environment, and the local runner sets them there too, so the SDK's default chain (SSO, ini files,
 * processes, containers, instance metadata: 130 KB of every bundle, loaded at import) would never go
 * past its first link. This is that link.
 */
export const defaultProvider = () => async () => {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'no AWS credentials in the environment: the bundles read AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), as Lambda sets them',
    );
  }
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
};
