import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Contact, unwrap } from '../../../lib/api-client.ts';
import { keys } from '../../../lib/queries.ts';

export function useContactPages() {
  return useInfiniteQuery({
    queryKey: [...keys.contacts, 'pages'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/contacts', {
          params: { query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useContact(id: string) {
  return useQuery({
    queryKey: [...keys.contacts, id],
    queryFn: () => unwrap(api.GET('/contacts/{id}', { params: { path: { id } } })),
  });
}

export function useSaveContact() {
  const client = useQueryClient();
  return async (id: string | undefined, body: Record<string, unknown>): Promise<Contact> => {
    const saved = id
      ? await unwrap(api.PATCH('/contacts/{id}', { params: { path: { id } }, body: body as never }))
      : await unwrap(api.POST('/contacts', { body: body as never }));
    await client.invalidateQueries({ queryKey: keys.contacts });
    return saved;
  };
}
