import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../../lib/api-client.ts';
import { keys } from '../../../lib/queries.ts';

export type PipelineReport = Schemas['PipelineReport'];
export type ForecastReport = Schemas['ForecastReport'];
export type OwnersReport = Schemas['OwnersReport'];
export type LossReasonsReport = Schemas['LossReasonsReport'];
export type MoneyTotal = Schemas['MoneyTotal'];
export type Period = 'month' | 'quarter';

/** What every dashboard report is asked for: the owner (managers), the months, the period size. */
export interface ReportScope {
  ownerId?: string | undefined;
  from: string;
  to: string;
  period: Period;
}

const owner = (ownerId: string | undefined) => (ownerId ? { ownerId } : {});

export function usePipelineFunnel(pipelineId: string | undefined, ownerId: string | undefined) {
  return useQuery({
    queryKey: [...keys.report, 'pipeline', pipelineId, ownerId],
    enabled: pipelineId !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/reports/pipeline', {
          params: { query: { ...(pipelineId ? { pipelineId } : {}), ...owner(ownerId) } },
        }),
      ),
  });
}

export function useForecast(scope: ReportScope) {
  return useQuery({
    queryKey: [...keys.report, 'forecast', scope],
    queryFn: () =>
      unwrap(
        api.GET('/reports/forecast', {
          params: {
            query: { from: scope.from, to: scope.to, period: scope.period, ...owner(scope.ownerId) },
          },
        }),
      ),
  });
}

/** Won and lost count by closing month, which cannot be in the future: the range stops at `to`. */
export function useOwners(range: { from: string; to: string }) {
  return useQuery({
    queryKey: [...keys.report, 'owners', range],
    queryFn: () => unwrap(api.GET('/reports/owners', { params: { query: range } })),
  });
}

export function useLossReasons(range: { from: string; to: string; ownerId?: string | undefined }) {
  return useQuery({
    queryKey: [...keys.report, 'loss-reasons', range],
    queryFn: () =>
      unwrap(
        api.GET('/reports/loss-reasons', {
          params: { query: { from: range.from, to: range.to, ...owner(range.ownerId) } },
        }),
      ),
  });
}
