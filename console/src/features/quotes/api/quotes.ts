import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, authorizedFetch, type Schemas, unwrap } from '../../../lib/api-client.ts';
import { keys } from '../../../lib/queries.ts';

export type Quote = Schemas['Quote'];
export type QuoteStatus = Quote['status'];
export type Template = Schemas['Template'];
export type QuoteDraftPatch = Schemas['QuoteDraftPatch'];
export type QuoteSendInput = Schemas['QuoteSendInput'];
export type QuoteResendInput = Schemas['QuoteResendInput'];

export const quoteKeys = {
  ofDeal: (dealId: string) => ['quotes', 'deal', dealId] as const,
  one: (id: string) => ['quotes', 'one', id] as const,
  preview: (id: string, updatedAt: string) => ['quotes', 'preview', id, updatedAt] as const,
  email: (id: string, input: object) => ['quotes', 'email', id, input] as const,
};

export function useDealQuotes(dealId: string) {
  return useQuery({
    queryKey: quoteKeys.ofDeal(dealId),
    queryFn: () => unwrap(api.GET('/deals/{id}/quotes', { params: { path: { id: dealId } } })),
    select: (page) => page.items,
  });
}

export function useQuote(id: string) {
  return useQuery({
    queryKey: quoteKeys.one(id),
    queryFn: () => unwrap(api.GET('/quotes/{id}', { params: { path: { id } } })),
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: () => unwrap(api.GET('/templates')),
    select: (page) => page.items,
    staleTime: 5 * 60_000,
  });
}

/** The HTML the customer will see, as the preview route renders the stored draft. */
export function useQuotePreview(quote: Pick<Quote, 'id' | 'updatedAt'> | undefined) {
  return useQuery({
    queryKey: quoteKeys.preview(quote?.id ?? '', quote?.updatedAt ?? ''),
    enabled: quote !== undefined,
    queryFn: async () => (await authorizedFetch(`/quotes/${quote?.id}/preview`)).text(),
    staleTime: Number.POSITIVE_INFINITY,
    placeholderData: (previous) => previous,
  });
}

/** The quote email as it would leave with this subject and message (the template's by default). */
export function useEmailPreview(id: string, input: { to?: string; subject?: string; message?: string }) {
  return useQuery({
    queryKey: quoteKeys.email(id, input),
    queryFn: () =>
      unwrap(
        api.GET('/quotes/{id}/email', {
          params: {
            path: { id },
            query: {
              ...(input.to ? { to: input.to } : {}),
              ...(input.subject ? { subject: input.subject } : {}),
              ...(input.message ? { message: input.message } : {}),
            },
          },
        }),
      ),
    placeholderData: (previous) => previous,
    retry: false,
  });
}

export function createQuote(dealId: string): Promise<Quote> {
  return unwrap(api.POST('/deals/{id}/quotes', { params: { path: { id: dealId } }, body: {} }));
}

export function updateDraft(id: string, body: QuoteDraftPatch): Promise<Quote> {
  return unwrap(api.PATCH('/quotes/{id}', { params: { path: { id } }, body }));
}

export function sendQuote(id: string, body: QuoteSendInput) {
  return unwrap(api.POST('/quotes/{id}/send', { params: { path: { id } }, body }));
}

export function resendQuote(id: string, body: QuoteResendInput) {
  return unwrap(api.POST('/quotes/{id}/resend', { params: { path: { id } }, body }));
}

export function withdrawQuote(id: string): Promise<Quote> {
  return unwrap(api.POST('/quotes/{id}/withdraw', { params: { path: { id } } }));
}

export function reviseQuote(id: string): Promise<Quote> {
  return unwrap(api.POST('/quotes/{id}/revise', { params: { path: { id } } }));
}

/** Downloads a PDF route's answer under its own file name (the API's Content-Disposition). */
export async function downloadPdf(id: string, fallbackName: string): Promise<void> {
  const res = await authorizedFetch(`/quotes/${id}/pdf`);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * After a quote changed (sent, withdrawn, revised, answered): its deal's quotes, the deal (its stage
 * follows quote events), its timeline, the board and the report figures.
 */
export function useRefreshQuotes() {
  const client = useQueryClient();
  return (dealId: string, quote?: Quote) => {
    if (quote) client.setQueryData(quoteKeys.one(quote.id), quote);
    void client.invalidateQueries({ queryKey: quoteKeys.ofDeal(dealId) });
    void client.invalidateQueries({ queryKey: ['quotes', 'one'] });
    void client.invalidateQueries({ queryKey: keys.deal(dealId) });
    void client.invalidateQueries({ queryKey: keys.timeline(dealId) });
    void client.invalidateQueries({ queryKey: keys.deals });
    setTimeout(() => void client.invalidateQueries({ queryKey: keys.report }), 1200);
  };
}
