import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  isForbiddenAddress,
  signatureHeader,
  verifySignature,
  wantsEvent,
  webhookBody,
} from '#domain/webhooks';

describe('webhook signatures', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256, once per live secret', () => {
    // Arrange
    const body = '{"id":"01","type":"quote.signed"}';
    // Act
    const header = signatureHeader(['whsec_new', 'whsec_old'], 1_700_000_000, body);
    // Assert: the value Stripe-style receivers compute (openssl dgst -sha256 -hmac whsec_new).
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, 'whsec_new', 1_700_000_100)).toBe(true);
    expect(verifySignature(header, body, 'whsec_old', 1_700_000_100)).toBe(true);
    expect(verifySignature(header, `${body} `, 'whsec_new', 1_700_000_100)).toBe(false);
    expect(verifySignature(header, body, 'whsec_other', 1_700_000_100)).toBe(false);
    expect(verifySignature(header, body, 'whsec_new', 1_700_001_000)).toBe(false);
  });
});

describe('webhook bodies', () => {
  it('carry {id, type, at, data} with the deal and actor, never a token or internal field', () => {
    // Act
    const body = webhookBody({
      id: '01E',
      dealId: '01D',
      type: 'quote.sent',
      at: '2026-12-01T10:00:00.000Z',
      actor: { type: 'user', id: 'alice' },
      data: { quoteId: '01Q', sealedToken: 'abc.def.ghi', nested: { token: 't', keep: 1 }, _notifiedAt: 'x' },
    });
    // Assert
    expect(body).toEqual({
      id: '01E',
      type: 'quote.sent',
      at: '2026-12-01T10:00:00.000Z',
      data: { quoteId: '01Q', nested: { keep: 1 }, dealId: '01D', actor: { type: 'user', id: 'alice' } },
    });
  });

  it('go to endpoints that want the exact type, its family or everything', () => {
    expect(wantsEvent(['quote.signed'], 'quote.signed')).toBe(true);
    expect(wantsEvent(['quote.*'], 'quote.viewed')).toBe(true);
    expect(wantsEvent(['quote.*'], 'deal.created')).toBe(false);
    expect(wantsEvent(['*'], 'task.done')).toBe(true);
    expect(wantsEvent(['deal.created'], 'deal.created_twice')).toBe(false);
  });
});

describe('webhook addresses', () => {
  it('forbids loopback, private, link-local, metadata and reserved addresses, in every spelling', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ])
      expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111'])
      expect(isForbiddenAddress(address), address).toBe(false);
  });

  it('accepts https to public places, and http only to 127.0.0.1 with the local test setting', () => {
    expect(checkWebhookUrl('https://hooks.example.com/closer', { allowLocalHttp: false }).host).toBe(
      'hooks.example.com',
    );
    expect(() => checkWebhookUrl('http://hooks.example.com/', { allowLocalHttp: false })).toThrow(/https/);
    expect(() => checkWebhookUrl('http://127.0.0.1:8080/', { allowLocalHttp: false })).toThrow(/https/);
    expect(checkWebhookUrl('http://127.0.0.1:8080/', { allowLocalHttp: true }).port).toBe('8080');
    expect(() => checkWebhookUrl('http://127.0.0.2:8080/', { allowLocalHttp: true })).toThrow(/https/);
    expect(() => checkWebhookUrl('https://10.0.0.1/', { allowLocalHttp: true })).toThrow(/private/);
    expect(() => checkWebhookUrl('https://a:b@example.com/', { allowLocalHttp: false })).toThrow(/password/);
  });
});
