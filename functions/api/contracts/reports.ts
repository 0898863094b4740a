import type { Contract } from '#http/operation';
import {
  ForecastQuery,
  ForecastReport,
  LossReasonsQuery,
  LossReasonsReport,
  OwnersReport,
  OwnersReportQuery,
  PipelineReport,
  PipelineReportQuery,
} from '#schemas/reports';

const FRESHNESS =
  'Read from aggregates that the table stream keeps up to date: a change shows within seconds. Money is per currency, never summed across currencies. Add `format=csv` for the same report as a CSV file.';

/** The contracts of the reports routes of `api`: loaded on the first request to one of them. */
export const reportsContracts = {
  getPipelineReport: {
    summary: 'Deals per stage of a pipeline: count, amount and weighted amount, plus open totals',
    description: `Stages in pipeline order. Reps see their own deals; managers everyone's, or one rep's with ownerId. ${FRESHNESS}`,
    tags: ['reports'],
    query: PipelineReportQuery,
    response: PipelineReport,
    errors: [403, 404],
  },
  getForecastReport: {
    summary:
      'Forecast per month or quarter: open (weighted and not) by expected close, won and lost by closing date',
    description: `Open deals count in the period of their close date; won and lost deals in the period they were closed (closedAt). Months are UTC; a quarter range is widened to whole quarters; at most 36 months per request, as far back as the data goes. ${FRESHNESS}`,
    tags: ['reports'],
    query: ForecastQuery,
    response: ForecastReport,
    errors: [403],
  },
  getOwnersReport: {
    summary: 'Per rep: won and lost in the range, open pipeline now (weighted and not), win rate',
    description: `Managers see every rep, reps their own row. ${FRESHNESS}`,
    tags: ['reports'],
    query: OwnersReportQuery,
    response: OwnersReport,
  },
  getLossReasonsReport: {
    summary: 'Deals lost in the range per loss reason: count and amounts',
    description: `By closing month. Reps see their own deals; managers everyone's, or one rep's with ownerId. ${FRESHNESS}`,
    tags: ['reports'],
    query: LossReasonsQuery,
    response: LossReasonsReport,
    errors: [403],
  },
} as const satisfies Record<string, Contract>;
