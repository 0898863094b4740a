import { describe, expect, it } from 'vitest';
import { call, users } from '#test/api';

describe('api', () => {
  it('creates a deal in the default pipeline', async () => {
    const res = await call('POST', '/deals', { user: users.alice, body: { name: 'Smoke' } });
    expect(res.status).toBe(201);
    expect(res.body.stageId).toBe('appointment-scheduled');
  });
});
