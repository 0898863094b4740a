/**
 * Tasks: server state that two screens share (My tasks, and a deal's tasks on its page).
 * Every change invalidates `['tasks']`, which also refreshes the board's "Late" markers.
 */
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from './api-client.ts';
import { keys } from './queries.ts';

export type Task = Schemas['Task'];
export type TaskInput = Schemas['TaskInput'];
export const TASK_TYPES = ['call', 'meeting', 'email', 'task'] as const;

export const taskKeys = {
  all: ['tasks'] as const,
  mine: ['tasks', 'mine'] as const,
  deal: (dealId: string) => ['tasks', 'deal', dealId] as const,
};

/** My open tasks, earliest due first, 200 a page. */
export function useMyOpenTasks() {
  return useInfiniteQuery({
    queryKey: taskKeys.mine,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/tasks', {
          params: { query: { status: 'open', limit: 200, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** A deal's tasks, open and done, earliest due first. */
export function useDealTasks(dealId: string) {
  return useInfiniteQuery({
    queryKey: taskKeys.deal(dealId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/deals/{id}/tasks', {
          params: { path: { id: dealId }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

function useRefreshTasks() {
  const client = useQueryClient();
  return (dealId: string) => {
    void client.invalidateQueries({ queryKey: taskKeys.all });
    // The deal's timeline gains `task.created` / `task.done`.
    void client.invalidateQueries({ queryKey: keys.timeline(dealId) });
  };
}

/** Done (or open again) in one call. */
export function useSetTaskDone() {
  const refresh = useRefreshTasks();
  return useMutation({
    mutationFn: (input: { task: Task; done: boolean }) =>
      unwrap(
        api.PATCH('/tasks/{id}', { params: { path: { id: input.task.id } }, body: { done: input.done } }),
      ),
    onSuccess: (task) => refresh(task.dealId),
  });
}

export function useCreateTask(dealId: string) {
  const refresh = useRefreshTasks();
  return useMutation({
    mutationFn: (body: TaskInput) =>
      unwrap(api.POST('/deals/{id}/tasks', { params: { path: { id: dealId } }, body })),
    onSuccess: () => refresh(dealId),
  });
}

/** A local date and time (`2026-12-01`, `09:30`) as the moment the API stores (UTC). */
export function localMoment(date: string, time: string): string {
  return new Date(`${date}T${time || '09:00'}`).toISOString();
}

/** A local calendar date (YYYY-MM-DD) of a moment, in the browser's time zone. */
export function localDay(moment: string | Date): string {
  const d = typeof moment === 'string' ? new Date(moment) : moment;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export type TaskGroup = 'overdue' | 'today' | 'upcoming';

/** Overdue (due before now), today (later today, local time), upcoming (after today). */
export function taskGroup(task: Pick<Task, 'dueAt' | 'status'>, now: Date): TaskGroup {
  if (new Date(task.dueAt) < now) return 'overdue';
  return localDay(task.dueAt) === localDay(now) ? 'today' : 'upcoming';
}
