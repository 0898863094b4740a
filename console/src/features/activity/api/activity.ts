import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../../lib/api-client.ts';

export type ActivityItem = Schemas['ActivityItem'];

/** How often the feed is read while the tab is visible (TanStack pauses it in a hidden tab). */
export const POLL_MS = 25_000;

export const activityKey = ['activity'] as const;

export function useActivity() {
  return useQuery({
    queryKey: activityKey,
    queryFn: () => unwrap(api.GET('/activity', { params: { query: { limit: 30 } } })),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
}

export function markRead(at: string) {
  return unwrap(api.POST('/activity/read', { body: { at } }));
}
