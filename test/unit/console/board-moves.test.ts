import { describe, expect, it } from 'vitest';
import {
  columnDeals,
  endMove,
  type PendingMoves,
  startMove,
} from '../../../console/src/features/deals/board-moves.ts';

type D = { id: string; stageId: string; name: string };
const a: D = { id: 'a', stageId: 'one', name: 'A' };
const b: D = { id: 'b', stageId: 'one', name: 'B' };
const c: D = { id: 'c', stageId: 'two', name: 'C' };
const server = { one: [a, b], two: [c] };
const none: PendingMoves<D> = new Map();

describe('console optimistic board moves', () => {
  it('shows a moved card in its new column at once, and only there', () => {
    // Act
    const pending = startMove(none, a, 'two');

    // Assert
    expect(columnDeals('one', server.one, pending).map((d) => d.id)).toEqual(['b']);
    expect(columnDeals('two', server.two, pending).map((d) => [d.id, d.stageId])).toEqual([
      ['a', 'two'],
      ['c', 'two'],
    ]);
  });

  it('puts the card back where the server has it when the move is refused', () => {
    // Arrange
    const pending = startMove(none, a, 'two');

    // Act: the API answered 409/412/422: the move ends, the server data is unchanged
    const rolledBack = endMove(pending, 'a');

    // Assert
    expect(columnDeals('one', server.one, rolledBack).map((d) => d.id)).toEqual(['a', 'b']);
    expect(columnDeals('two', server.two, rolledBack).map((d) => d.id)).toEqual(['c']);
  });

  it('never shows a card twice while the server data catches up with an accepted move', () => {
    // Arrange: the server already lists the deal in its new column, the move is still pending
    const pending = startMove(none, a, 'two');
    const refreshed = { one: [b], two: [{ ...a, stageId: 'two' }, c] };

    // Assert
    expect(columnDeals('two', refreshed.two, pending).map((d) => d.id)).toEqual(['a', 'c']);
    expect(columnDeals('one', refreshed.one, pending).map((d) => d.id)).toEqual(['b']);
  });

  it('keeps the original column when a card is moved twice before the first answer', () => {
    const twice = startMove(startMove(none, a, 'two'), { ...a, stageId: 'two' }, 'three');
    expect(twice.get('a')).toMatchObject({ from: 'one', to: 'three' });
    expect(columnDeals('two', server.two, twice).map((d) => d.id)).toEqual(['c']);
  });
});
