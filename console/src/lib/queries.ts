/**
 * Server state shared by several features (pipelines, the catalogue, contacts and companies for
 * names). Each feature keeps its own calls in `features/<feature>/api`.
 */
import { QueryClient, useQuery } from '@tanstack/react-query';
import { stageName } from '#domain/pipelines';
import { ApiError, api, type Pipeline, type Stage, unwrap } from './api-client.ts';
import type { Locale } from './format.ts';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Only a failure that may pass retries: no answer or a 5xx.
      retry: (count, error) => count < 2 && error instanceof ApiError && error.transient,
      refetchOnWindowFocus: false,
    },
  },
});

export const keys = {
  pipelines: ['pipelines'] as const,
  products: ['products'] as const,
  contacts: ['contacts'] as const,
  companies: ['companies'] as const,
  deals: ['deals'] as const,
  deal: (id: string) => ['deal', id] as const,
  timeline: (id: string) => ['timeline', id] as const,
  report: ['report'] as const,
  templates: ['templates'] as const,
};

export function usePipelines() {
  return useQuery({
    queryKey: keys.pipelines,
    queryFn: () => unwrap(api.GET('/pipelines', { params: { query: { limit: 200 } } })),
    select: (page) => page.items,
  });
}

export function useProducts() {
  return useQuery({
    queryKey: keys.products,
    queryFn: () => unwrap(api.GET('/products', { params: { query: { limit: 200 } } })),
    select: (page) => page.items,
  });
}

/** Contacts and companies by id, for the client's name on cards and rows. */
export function useContactsIndex() {
  return useQuery({
    queryKey: [...keys.contacts, 'index'],
    queryFn: () => unwrap(api.GET('/contacts', { params: { query: { limit: 200 } } })),
    select: (page) => new Map(page.items.map((c) => [c.id, c])),
  });
}

export function useCompaniesIndex() {
  return useQuery({
    queryKey: [...keys.companies, 'index'],
    queryFn: () => unwrap(api.GET('/companies', { params: { query: { limit: 200 } } })),
    select: (page) => new Map(page.items.map((c) => [c.id, c])),
  });
}

export function defaultPipeline(pipelines: Pipeline[] | undefined): Pipeline | undefined {
  return pipelines?.find((p) => p.isDefault) ?? pipelines?.[0];
}

export function stageLabel(stage: Stage, locale: Locale): string {
  return stageName(stage, locale);
}
