import { describe, expect, it } from 'vitest';
import { dealQuery, readFilters, writeFilters } from '../../../console/src/features/deals/filters.ts';

const rep = { id: 'alice', manager: false };
const manager = { id: 'maya', manager: true };

describe('console deal filters in the URL', () => {
  it('reads back what it wrote, so a bookmarked view opens the same', () => {
    // Arrange
    const filters = {
      pipelineId: '01J0000000000000000000000P',
      owner: 'bob',
      closeFrom: '2026-01-01',
      closeTo: '2026-03-31',
      min: 1000,
      max: 2500.5,
      q: 'acme',
      status: 'open' as const,
    };

    // Act
    const params = writeFilters(filters);

    // Assert
    expect(params.toString()).toBe(
      'pipeline=01J0000000000000000000000P&owner=bob&from=2026-01-01&to=2026-03-31&min=1000&max=2500.5&q=acme&status=open',
    );
    expect(readFilters(new URLSearchParams(params.toString()))).toEqual(filters);
  });

  it('drops malformed values instead of failing', () => {
    const filters = readFilters(new URLSearchParams('from=tomorrow&min=-5&max=1e9&status=maybe&q=%20%20'));
    expect(filters).toEqual({});
  });

  it("starts a rep on their own deals and a manager on everyone's", () => {
    expect(dealQuery({}, rep)).toEqual({ ownerId: 'alice' });
    expect(dealQuery({}, manager)).toEqual({});
    expect(dealQuery({ owner: 'all' }, rep)).toEqual({});
    expect(dealQuery({ owner: 'bob' }, manager)).toEqual({ ownerId: 'bob' });
  });

  it('sends amounts to the API in minor units', () => {
    expect(dealQuery({ min: 12.5, max: 1000 }, manager)).toEqual({ minAmount: 1250, maxAmount: 100_000 });
  });
});
