import { describe, expect, it } from 'vitest';
import { done, lostRace, RETRY_LIMIT, retryOnConflict } from '#services/retry';

describe('retryOnConflict', () => {
  it('answers the first try that is done', async () => {
    let tries = 0;
    const result = await retryOnConflict(async () =>
      ++tries < 3 ? lostRace(new Error('raced')) : done('ok'),
    );
    expect(result).toBe('ok');
    expect(tries).toBe(3);
  });

  it('gives up after the limit with the last lost race', async () => {
    let tries = 0;
    const run = retryOnConflict(async (attempt) => {
      tries++;
      return lostRace(new Error(`race ${attempt}`));
    });
    await expect(run).rejects.toThrow(`race ${RETRY_LIMIT}`);
    expect(tries).toBe(RETRY_LIMIT);
  });

  it('lets any other error through at once', async () => {
    let tries = 0;
    const run = retryOnConflict(async () => {
      tries++;
      throw new TypeError('boom');
    });
    await expect(run).rejects.toThrow(TypeError);
    expect(tries).toBe(1);
  });
});
