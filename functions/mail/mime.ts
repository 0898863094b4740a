import { randomBytes } from 'node:crypto';

/** A raw MIME message (RFC 5322 / 2045-2047) for SES SendRawEmail: text, HTML and attachments. */

export interface Address {
  name?: string;
  email: string;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface Mail {
  from: Address;
  to: Address[];
  replyTo?: Address;
  subject: string;
  text: string;
  html: string;
  attachments?: Attachment[];
  /** Extra headers (X-...); values are single-line. */
  headers?: Record<string, string>;
}

/** Header values never carry a line break: user data cannot inject headers. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** RFC 2047 encoded-word when the value is not plain ASCII. */
export function encodeWord(value: string): string {
  const clean = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(clean)) return clean;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

export function formatAddress(address: Address): string {
  const email = oneLine(address.email);
  if (!/^[^\s<>@,;"]+@[^\s<>@,;"]+$/.test(email)) throw new Error(`not an email address: ${email}`);
  if (!address.name) return email;
  const name = encodeWord(address.name);
  const quoted = name.startsWith('=?') ? name : `"${name.replace(/["\\]/g, '\\$&')}"`;
  return `${quoted} <${email}>`;
}

function base64Lines(data: Buffer): string {
  return (
    data
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

function boundary(): string {
  return `=_closer_${randomBytes(12).toString('hex')}`;
}

export function buildMime(mail: Mail, options: { messageId?: string; date?: Date } = {}): Buffer {
  const mixed = boundary();
  const alternative = boundary();
  const headers = [
    `From: ${formatAddress(mail.from)}`,
    `To: ${mail.to.map(formatAddress).join(', ')}`,
    ...(mail.replyTo ? [`Reply-To: ${formatAddress(mail.replyTo)}`] : []),
    `Subject: ${encodeWord(mail.subject)}`,
    `Date: ${(options.date ?? new Date()).toUTCString()}`,
    ...(options.messageId ? [`Message-ID: <${oneLine(options.messageId)}>`] : []),
    'MIME-Version: 1.0',
    ...Object.entries(mail.headers ?? {}).map(([k, v]) => `${oneLine(k)}: ${oneLine(v)}`),
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
  ];
  const part = (type: string, body: Buffer, extra: string[] = []) =>
    [`Content-Type: ${type}`, 'Content-Transfer-Encoding: base64', ...extra, '', base64Lines(body)].join(
      '\r\n',
    );
  const alternativePart = [
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    part('text/plain; charset=UTF-8', Buffer.from(mail.text, 'utf8')),
    `--${alternative}`,
    part('text/html; charset=UTF-8', Buffer.from(mail.html, 'utf8')),
    `--${alternative}--`,
  ].join('\r\n');
  const attachments = (mail.attachments ?? []).map((a) => {
    const name = encodeWord(a.filename).replace(/"/g, '');
    return part(`${a.contentType}; name="${name}"`, a.content, [
      `Content-Disposition: attachment; filename="${name}"`,
    ]);
  });
  const body = [alternativePart, ...attachments].map((p) => `--${mixed}\r\n${p}`).join('\r\n');
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n--${mixed}--\r\n`, 'utf8');
}
