/**
 * The board's and the list's filters, kept in the URL so a view can be bookmarked and shared.
 * Amounts are in the currency's unit in the URL (`min=1000`) and minor units in the API.
 */
export interface DealFilters {
  pipelineId?: string;
  /** A user id, or `all`; absent means the default: a rep's own deals, everyone's for a manager. */
  owner?: string;
  closeFrom?: string;
  closeTo?: string;
  min?: number;
  max?: number;
  q?: string;
  status?: 'open' | 'won' | 'lost';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALL = 'all';

function amountOf(raw: string | null): number | undefined {
  if (raw === null || !/^\d+(\.\d{1,2})?$/.test(raw)) return undefined;
  return Number(raw);
}

/** Reads filters from a query string, dropping anything malformed rather than failing. */
export function readFilters(params: URLSearchParams): DealFilters {
  const filters: DealFilters = {};
  const pipeline = params.get('pipeline');
  if (pipeline) filters.pipelineId = pipeline;
  const owner = params.get('owner');
  if (owner) filters.owner = owner;
  const from = params.get('from');
  if (from && DATE.test(from)) filters.closeFrom = from;
  const to = params.get('to');
  if (to && DATE.test(to)) filters.closeTo = to;
  const min = amountOf(params.get('min'));
  if (min !== undefined) filters.min = min;
  const max = amountOf(params.get('max'));
  if (max !== undefined) filters.max = max;
  const q = params.get('q')?.trim();
  if (q) filters.q = q.slice(0, 100);
  const status = params.get('status');
  if (status === 'open' || status === 'won' || status === 'lost') filters.status = status;
  return filters;
}

/** The query string of a set of filters: empty values left out, a stable order. */
export function writeFilters(filters: DealFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.pipelineId) params.set('pipeline', filters.pipelineId);
  if (filters.owner) params.set('owner', filters.owner);
  if (filters.closeFrom) params.set('from', filters.closeFrom);
  if (filters.closeTo) params.set('to', filters.closeTo);
  if (filters.min !== undefined) params.set('min', String(filters.min));
  if (filters.max !== undefined) params.set('max', String(filters.max));
  if (filters.q) params.set('q', filters.q);
  if (filters.status) params.set('status', filters.status);
  return params;
}

/** Whose deals the view shows: undefined for everyone's (what the caller may see). */
export function ownerOf(filters: DealFilters, user: { id: string; manager: boolean }): string | undefined {
  if (filters.owner === ALL) return undefined;
  if (filters.owner) return filters.owner;
  return user.manager ? undefined : user.id;
}

export interface DealQuery {
  ownerId?: string;
  pipelineId?: string;
  status?: 'open' | 'won' | 'lost';
  closeFrom?: string;
  closeTo?: string;
  minAmount?: number;
  maxAmount?: number;
  q?: string;
}

/** The `GET /deals` (and `GET /deals.csv`) query for these filters, amounts in minor units. */
export function dealQuery(filters: DealFilters, user: { id: string; manager: boolean }): DealQuery {
  const query: DealQuery = {};
  const owner = ownerOf(filters, user);
  if (owner) query.ownerId = owner;
  if (filters.pipelineId) query.pipelineId = filters.pipelineId;
  if (filters.status) query.status = filters.status;
  if (filters.closeFrom) query.closeFrom = filters.closeFrom;
  if (filters.closeTo) query.closeTo = filters.closeTo;
  if (filters.min !== undefined) query.minAmount = Math.round(filters.min * 100);
  if (filters.max !== undefined) query.maxAmount = Math.round(filters.max * 100);
  if (filters.q) query.q = filters.q;
  return query;
}

export const OWNER_ALL = ALL;
