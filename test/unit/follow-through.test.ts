import { describe, expect, it } from 'vitest';
import { codeAllowance, codeRefusal, hashCode, issueCode, maskEmail, newCode } from '#domain/codes';
import { effectiveStatus, isPastValidity, validityEndsAt } from '#domain/quotes';
import {
  DEFAULT_REMINDERS,
  nextReminder,
  reminderState,
  reminderWindow,
  withNextReminder,
} from '#domain/reminders';
import { localDate, zonedTime } from '#domain/zoned';

const paris = { timeZone: 'Europe/Paris' };

describe('validity in the seller time zone', () => {
  it('keeps a Paris quote valid until midnight in Paris, on both sides of it', () => {
    const quote = { validUntil: '2026-12-15', seller: paris };
    // Paris is UTC+1 in December: the 15th ends at 2026-12-15T23:00Z.
    expect(validityEndsAt(quote)).toBe('2026-12-15T23:00:00.000Z');
    expect(isPastValidity(quote, '2026-12-15T22:59:59.999Z')).toBe(false);
    expect(isPastValidity(quote, '2026-12-15T23:00:00.000Z')).toBe(true);
  });

  it('follows daylight saving time (Paris is UTC+2 in July)', () => {
    expect(validityEndsAt({ validUntil: '2026-07-01', seller: paris })).toBe('2026-07-01T22:00:00.000Z');
  });

  it('ends a Los Angeles quote after the UTC day, and an Auckland one before it', () => {
    const la = { validUntil: '2026-12-15', seller: { timeZone: 'America/Los_Angeles' } };
    const akl = { validUntil: '2026-12-15', seller: { timeZone: 'Pacific/Auckland' } };
    expect(isPastValidity(la, '2026-12-16T07:59:59.000Z')).toBe(false);
    expect(isPastValidity(la, '2026-12-16T08:00:00.000Z')).toBe(true);
    expect(isPastValidity(akl, '2026-12-15T10:59:59.000Z')).toBe(false);
    expect(isPastValidity(akl, '2026-12-15T11:00:00.000Z')).toBe(true);
    expect(effectiveStatus({ ...akl, status: 'sent' }, '2026-12-15T11:00:00.000Z')).toBe('expired');
  });

  it('uses UTC when the seller names no time zone', () => {
    expect(validityEndsAt({ validUntil: '2026-12-15' })).toBe('2026-12-16T00:00:00.000Z');
  });

  it('reads calendar days and wall-clock hours in a zone', () => {
    expect(localDate('2026-12-15T23:30:00.000Z', 'Europe/Paris')).toBe('2026-12-16');
    expect(zonedTime('2026-12-16', 'Europe/Paris', 9)).toBe('2026-12-16T08:00:00.000Z');
    expect(zonedTime('2026-03-29', 'Europe/Paris', 9)).toBe('2026-03-29T07:00:00.000Z');
  });
});

// Tuesday 1 December 2026, 10:00 in Paris.
const sentAt = '2026-12-01T09:00:00.000Z';
const quote = (over: Record<string, unknown> = {}) => ({
  status: 'sent' as const,
  sentAt,
  validUntil: '2026-12-31',
  seller: paris,
  reminders: reminderState(DEFAULT_REMINDERS),
  ...over,
});

describe('nextReminder', () => {
  it('reminds an unopened quote three days later at 09:00 in Paris', () => {
    expect(nextReminder(quote())).toEqual({ kind: 'not_opened', at: '2026-12-04T08:00:00.000Z' });
  });

  it('moves a reminder that falls on a weekend to Monday', () => {
    // Sent on Thursday 3 December: three days later is Sunday the 6th.
    const next = nextReminder(quote({ sentAt: '2026-12-03T09:00:00.000Z' }));
    expect(next).toEqual({ kind: 'not_opened', at: '2026-12-07T08:00:00.000Z' });
  });

  it('reminds a viewed quote four days after the view', () => {
    const next = nextReminder(quote({ status: 'viewed', viewedAt: '2026-12-02T15:00:00.000Z' }));
    expect(next).toEqual({ kind: 'not_answered', at: '2026-12-07T08:00:00.000Z' });
  });

  it('reminds before expiry on the Friday when the day falls on a weekend', () => {
    // Valid until Tuesday 15th; two days before is Sunday 13th → Friday 11th.
    const next = nextReminder(
      quote({
        validUntil: '2026-12-15',
        reminders: reminderState({ ...DEFAULT_REMINDERS, notOpenedDays: 0 }),
      }),
    );
    expect(next).toEqual({ kind: 'before_expiry', at: '2026-12-11T08:00:00.000Z' });
  });

  it('counts from the last reminder, and stops at the maximum', () => {
    const r = { ...reminderState(DEFAULT_REMINDERS), sent: 1, count: 1, lastAt: '2026-12-04T08:00:00.000Z' };
    expect(nextReminder(quote({ reminders: r }))?.at).toBe('2026-12-07T08:00:00.000Z');
    expect(nextReminder(quote({ reminders: { ...r, sent: 3 } }))).toBeUndefined();
  });

  it('stops for every status that no longer waits for the customer', () => {
    for (const status of ['signed', 'declined', 'changes_requested', 'withdrawn', 'superseded', 'expired']) {
      expect(withNextReminder(quote({ status })).reminders?.nextAt).toBeUndefined();
    }
  });

  it('never reminds after the validity ends', () => {
    expect(nextReminder(quote({ validUntil: '2026-12-03' }))).toBeUndefined();
  });

  it('waits for notBefore when the job found it outside working hours', () => {
    const r = { ...reminderState(DEFAULT_REMINDERS), notBefore: '2026-12-07T08:00:00.000Z' };
    expect(nextReminder(quote({ reminders: r }))?.at).toBe('2026-12-07T08:00:00.000Z');
  });
});

describe('reminderWindow', () => {
  it('is open on weekdays from 09:00 to 18:00 in the seller zone', () => {
    expect(reminderWindow('2026-12-04T08:00:00.000Z', 'Europe/Paris')).toEqual({ open: true });
    expect(reminderWindow('2026-12-04T07:59:00.000Z', 'Europe/Paris')).toEqual({
      open: false,
      from: '2026-12-04T08:00:00.000Z',
    });
  });

  it('defers Saturday, Sunday and Friday evening to Monday 09:00', () => {
    const monday = { open: false, from: '2026-12-07T08:00:00.000Z' };
    expect(reminderWindow('2026-12-05T10:00:00.000Z', 'Europe/Paris')).toEqual(monday);
    expect(reminderWindow('2026-12-06T22:00:00.000Z', 'Europe/Paris')).toEqual(monday);
    expect(reminderWindow('2026-12-04T17:00:00.000Z', 'Europe/Paris')).toEqual(monday);
  });

  it('uses the seller zone, not UTC: Saturday morning in Auckland is Friday in UTC', () => {
    expect(reminderWindow('2026-12-04T21:00:00.000Z', 'Pacific/Auckland').open).toBe(false);
  });
});

describe('one-time codes', () => {
  const key = Buffer.alloc(32, 7);
  it('makes six digits and a hash bound to the quote', () => {
    const code = newCode();
    expect(code).toMatch(/^\d{6}$/);
    expect(hashCode(key, 'Q1', code)).not.toBe(hashCode(key, 'Q2', code));
  });

  it('allows three codes an hour, then says when the next may be', () => {
    const now = '2026-12-01T10:00:00.000Z';
    const issued = ['2026-12-01T09:10:00.000Z', '2026-12-01T09:20:00.000Z', '2026-12-01T09:30:00.000Z'];
    expect(codeAllowance({ issued: issued.slice(0, 2) }, now).retryAt).toBeUndefined();
    expect(codeAllowance({ issued }, now).retryAt).toBe('2026-12-01T10:10:00.000Z');
    expect(codeAllowance({ issued }, '2026-12-01T10:10:00.001Z').retryAt).toBeUndefined();
  });

  it('refuses a code that is missing, expired, used or out of tries', () => {
    const code = issueCode('c1', 'h', 'j***@example.com', '2026-12-01T10:00:00.000Z', []);
    expect(codeRefusal(undefined, '2026-12-01T10:01:00.000Z')).toBe('code_required');
    expect(codeRefusal(code, '2026-12-01T10:09:59.000Z')).toBeUndefined();
    expect(codeRefusal(code, '2026-12-01T10:10:00.000Z')).toBe('code_expired');
    expect(codeRefusal({ ...code, attempts: 5 }, '2026-12-01T10:01:00.000Z')).toBe('code_locked');
    expect(codeRefusal({ ...code, usedAt: '2026-12-01T10:02:00.000Z' }, '2026-12-01T10:03:00.000Z')).toBe(
      'code_required',
    );
  });

  it('masks the address', () => {
    expect(maskEmail('jeanne@example.com')).toBe('j***@example.com');
  });
});
