import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Deal, type Schemas, unwrap } from '../../../lib/api-client.ts';
import { keys } from '../../../lib/queries.ts';
import type { DealQuery } from '../filters.ts';

const PAGE = 50;

/** One board column (or the whole list), page by page with the API's cursor. */
export function useDealPages(query: DealQuery & { stageId?: string }, enabled = true) {
  return useInfiniteQuery({
    queryKey: [...keys.deals, query],
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/deals', {
          params: { query: { ...query, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function usePipelineReport(pipelineId: string | undefined, ownerId: string | undefined) {
  return useQuery({
    queryKey: [...keys.report, pipelineId, ownerId],
    enabled: pipelineId !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/reports/pipeline', {
          params: { query: { ...(pipelineId ? { pipelineId } : {}), ...(ownerId ? { ownerId } : {}) } },
        }),
      ),
  });
}

export function useDeal(id: string) {
  return useQuery({
    queryKey: keys.deal(id),
    queryFn: () => unwrap(api.GET('/deals/{id}', { params: { path: { id } } })),
  });
}

export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: keys.timeline(id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/deals/{id}/timeline', {
          params: { path: { id }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** After any change to a deal: its page, its timeline, the lists and the report figures. */
export function useRefreshDeal() {
  const client = useQueryClient();
  return async (deal?: Deal) => {
    if (deal) {
      client.setQueryData(keys.deal(deal.id), deal);
      void client.invalidateQueries({ queryKey: keys.timeline(deal.id) });
    }
    await client.invalidateQueries({ queryKey: keys.deals });
    // The report reads aggregates the stream keeps: they follow within about a second.
    setTimeout(() => void client.invalidateQueries({ queryKey: keys.report }), 1200);
  };
}

export function moveDeal(id: string, stageId: string, lossReason?: string): Promise<Deal> {
  return unwrap(
    api.POST('/deals/{id}/stage', {
      params: { path: { id } },
      body: { stageId, ...(lossReason ? { lossReason } : {}) },
    }),
  );
}

export function useMoveDeal() {
  const refresh = useRefreshDeal();
  return useMutation({
    mutationFn: (input: { id: string; stageId: string; lossReason?: string }) =>
      moveDeal(input.id, input.stageId, input.lossReason),
    onSuccess: (deal) => refresh(deal),
  });
}

export type DealPatch = Schemas['DealPatch'];

export function patchDeal(id: string, version: number, body: DealPatch): Promise<Deal> {
  return unwrap(
    api.PATCH('/deals/{id}', {
      params: { path: { id }, header: { 'if-match': String(version) } },
      body,
    }),
  );
}

export type LinesInput = Schemas['LinesInput'];

export function putLines(id: string, lines: LinesInput): Promise<Deal> {
  return unwrap(api.PUT('/deals/{id}/lines', { params: { path: { id } }, body: lines }));
}

export function addComment(id: string, text: string) {
  return unwrap(api.POST('/deals/{id}/comments', { params: { path: { id } }, body: { text } }));
}

export type DealInput = Schemas['DealInput'];

export function createDeal(body: DealInput): Promise<Deal> {
  return unwrap(api.POST('/deals', { body }));
}

/** Open tasks due before now, to mark their deals on the board. */
export function useOverdueDeals() {
  return useQuery({
    queryKey: ['tasks', 'overdue'],
    queryFn: () =>
      unwrap(
        api.GET('/tasks', {
          params: { query: { status: 'open', dueBefore: new Date().toISOString(), limit: 200 } },
        }),
      ),
    select: (page) => new Set(page.items.filter((t) => t.overdue).map((t) => t.dealId)),
  });
}
