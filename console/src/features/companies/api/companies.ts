import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Company, unwrap } from '../../../lib/api-client.ts';
import { keys } from '../../../lib/queries.ts';

export function useCompanyPages() {
  return useInfiniteQuery({
    queryKey: [...keys.companies, 'pages'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/companies', {
          params: { query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useCompany(id: string) {
  return useQuery({
    queryKey: [...keys.companies, id],
    queryFn: () => unwrap(api.GET('/companies/{id}', { params: { path: { id } } })),
  });
}

export function useSaveCompany() {
  const client = useQueryClient();
  return async (id: string | undefined, body: Record<string, unknown>): Promise<Company> => {
    const saved = id
      ? await unwrap(api.PATCH('/companies/{id}', { params: { path: { id } }, body: body as never }))
      : await unwrap(api.POST('/companies', { body: body as never }));
    await client.invalidateQueries({ queryKey: keys.companies });
    return saved;
  };
}
