import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { buildMime, type Mail } from './mime.ts';

/**
 * Sends through SES (SendRawEmail, for the PDF attachment). `SES_ENDPOINT` points it at the
 * local emulator; `SES_CONFIGURATION_SET` adds the stack's configuration set.
 */
function createClient(): SESClient {
  const endpoint = process.env.SES_ENDPOINT;
  return new SESClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
}

const ses = createClient();

export async function sendMail(mail: Mail): Promise<string> {
  const configurationSet = process.env.SES_CONFIGURATION_SET;
  const out = await ses.send(
    new SendRawEmailCommand({
      RawMessage: { Data: buildMime(mail) },
      ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
    }),
  );
  return out.MessageId ?? '';
}
