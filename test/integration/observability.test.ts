import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#config/logger';
import { metrics } from '#config/observability';
import { call } from '#test/api';
import { rep, sentQuote } from '#test/fixtures';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('observability', () => {
  it('counts each quote transition once it is written, and publishes the metrics with the answer', async () => {
    // Arrange
    const owner = rep();
    const added = vi.spyOn(metrics, 'addMetric');
    const published = vi.spyOn(metrics, 'publishStoredMetrics');
    const { token } = await sentQuote(owner);

    // Act
    await call('POST', `/q/${token}/view`, { headers: { 'sec-fetch-site': 'same-origin' } }); // the page reports a person seeing it
    const signed = await call('POST', `/q/${token}/sign`, { body: { name: 'Jeanne', consent: true } });
    const again = await call('POST', `/q/${token}/decline`, { body: { reason: 'price' } });

    // Assert
    expect(signed.status).toBe(200);
    expect(again.status).toBe(409);
    const names = added.mock.calls.map(([name]) => name);
    expect(names).toEqual(['QuotesSent', 'QuotesViewed', 'QuotesSigned']);
    expect(published).toHaveBeenCalledTimes(3);
  });

  it('puts the request id on every log line of the request as the correlation id', async () => {
    // Arrange
    const owner = rep();
    const correlation = vi.spyOn(logger, 'setCorrelationId');

    // Act
    const res = await call('GET', '/deals/01JD3M8ZP6V0Q6W9C2R4K5T7XY', { user: owner });

    // Assert
    expect(res.status).toBe(404);
    // API Gateway's request id (the test caller sets it to "test").
    expect(correlation).toHaveBeenCalledWith('test');
  });
});
