/**
 * Optimistic stage moves on the board. A move shows at once (the card leaves its column and
 * appears in the target) while the API is asked; when the API refuses, the move is dropped and the
 * card is back where the server says it is. Server data is never edited in place: pending moves
 * are an overlay applied when a column is drawn.
 */
export interface Movable {
  id: string;
  stageId: string;
}

export interface PendingMove<D extends Movable> {
  deal: D;
  from: string;
  to: string;
}

export type PendingMoves<D extends Movable> = ReadonlyMap<string, PendingMove<D>>;

/** Starts a move: the deal now shows in `to`. A second move of the same deal replaces the first. */
export function startMove<D extends Movable>(pending: PendingMoves<D>, deal: D, to: string): PendingMoves<D> {
  const next = new Map(pending);
  next.set(deal.id, { deal: { ...deal, stageId: to }, from: pending.get(deal.id)?.from ?? deal.stageId, to });
  return next;
}

/** Ends a move (the API answered, either way): the server's data decides again. */
export function endMove<D extends Movable>(pending: PendingMoves<D>, dealId: string): PendingMoves<D> {
  if (!pending.has(dealId)) return pending;
  const next = new Map(pending);
  next.delete(dealId);
  return next;
}

/**
 * What a column shows: the server's deals of this stage without those moving elsewhere, plus the
 * deals moving here (first, so a dropped card is seen where it was dropped).
 */
export function columnDeals<D extends Movable>(
  stageId: string,
  server: readonly D[],
  pending: PendingMoves<D>,
): D[] {
  const arriving = [...pending.values()].filter((m) => m.to === stageId).map((m) => m.deal);
  const arrivingIds = new Set(arriving.map((d) => d.id));
  const staying = server.filter((d) => {
    const move = pending.get(d.id);
    return move ? move.to === stageId && !arrivingIds.has(d.id) : true;
  });
  return [...arriving, ...staying];
}
