import { describe, expect, it } from 'vitest';
import { hashToken } from '#domain/tokens';
import { getLink } from '#store/quotes';
import { call } from '#test/api';
import { quotableDeal, rep } from '#test/fixtures';
import { to, waitForEmails } from '#test/mail';

describe('sending a quote by email', () => {
  it('delivers the email through the outbox with the link and the PDF attached', async () => {
    // Arrange
    const owner = rep();
    const { deal, contact } = await quotableDeal(owner, { locale: 'fr' });
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;

    // Act
    const sent = await call('POST', `/quotes/${quote.id}/send`, { user: owner, body: { channel: 'email' } });

    // Assert
    expect(sent.status).toBe(200);
    const [email] = await waitForEmails(to(contact.email));
    expect(email?.subject).toContain(quote.number);
    expect(email?.from).toContain('quotes@closer.test');
    const link = sent.body.url as string;
    expect(email?.body.text).toContain(link);
    expect(email?.body.html).toContain(link);
    const pdf = email?.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toBe(`${quote.number}-v1.pdf`);
    const { createHash } = await import('node:crypto');
    const after = (await call('GET', `/quotes/${quote.id}`, { user: owner })).body;
    expect(
      createHash('sha256')
        .update(Buffer.from(pdf?.content ?? '', 'base64'))
        .digest('hex'),
    ).toBe(after.documentHash);
    const token = link.split('/q/')[1] ?? '';
    expect(await getLink(hashToken(token))).toEqual({ quoteId: quote.id, dealId: deal.id });
  });

  it('records email.sent on the timeline and removes the sealed token from the outbox event', async () => {
    const owner = rep();
    const { deal, contact } = await quotableDeal(owner);
    const quote = (await call('POST', `/deals/${deal.id}/quotes`, { user: owner, body: {} })).body;
    await call('POST', `/quotes/${quote.id}/send`, {
      user: owner,
      body: {
        channel: 'email',
        to: contact.email,
        subject: 'Votre devis <b>',
        message: 'Bonjour,\nvoici le devis.',
      },
    });
    const [email] = await waitForEmails(to(contact.email));
    expect(email?.subject).toBe('Votre devis <b>');
    expect(email?.body.html).not.toContain('<b>');

    const deadline = Date.now() + 10_000;
    let timeline: { type: string; data: Record<string, unknown> }[] = [];
    while (Date.now() < deadline) {
      timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
      const sentEvent = timeline.find((e) => e.type === 'quote.sent');
      if (timeline.some((e) => e.type === 'email.sent') && sentEvent && !('sealedToken' in sentEvent.data))
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(timeline.find((e) => e.type === 'email.sent')?.data).toMatchObject({
      kind: 'quote',
      to: contact.email,
      quoteId: quote.id,
    });
    expect(timeline.find((e) => e.type === 'quote.sent')?.data).not.toHaveProperty('sealedToken');
  });
});
