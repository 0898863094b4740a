import { expect } from 'vitest';

/** Reads what the SES emulator received (the same store its web viewer shows). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  attachments: { filename: string; contentType: string; content: string }[];
  at: number;
}

export async function emails(): Promise<StoredEmail[]> {
  const endpoint = process.env.SES_ENDPOINT;
  if (!endpoint) throw new Error('SES_ENDPOINT is not set: the global setup starts the emulator');
  const res = await fetch(`${endpoint}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

/** Waits (polling the emulator) until emails matching `match` arrive, and returns them. */
export async function waitForEmails(
  match: (email: StoredEmail) => boolean,
  count = 1,
  timeoutMs = 20_000,
): Promise<StoredEmail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await emails()).filter(match);
    if (found.length >= count) return found;
    if (Date.now() > deadline) {
      expect.fail(`expected ${count} matching email(s) within ${timeoutMs} ms, found ${found.length}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const to = (address: string) => (email: StoredEmail) =>
  email.destination.to.some((t) => t.toLowerCase().includes(address.toLowerCase()));
