import { csv } from '#http/csv';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
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
import { forecastCsv, lossReasonsCsv, ownersCsv, pipelineReportCsv } from '#services/csv';
import { forecastReport, lossReasonsReport, ownersReport, pipelineReport } from '#services/reports';

const FRESHNESS =
  'Read from aggregates that the table stream keeps up to date: a change shows within seconds. Money is per currency, never summed across currencies. Add `format=csv` for the same report as a CSV file.';

export const getPipelineReport = defineOperation(
  {
    summary: 'Deals per stage of a pipeline: count, amount and weighted amount, plus open totals',
    description: `Stages in pipeline order. Reps see their own deals; managers everyone's, or one rep's with ownerId. ${FRESHNESS}`,
    tags: ['reports'],
    query: PipelineReportQuery,
    response: PipelineReport,
    errors: [403, 404],
  },
  async ({ query, user }) => {
    const report = await pipelineReport(query, user);
    return query.format === 'csv'
      ? csv(200, pipelineReportCsv(report), 'pipeline-report.csv')
      : json(200, report);
  },
);

export const getForecastReport = defineOperation(
  {
    summary:
      'Forecast per month or quarter: open (weighted and not) by expected close, won and lost by closing date',
    description: `Open deals count in the period of their close date; won and lost deals in the period they were closed (closedAt). Months are UTC; a quarter range is widened to whole quarters; at most 36 months per request, as far back as the data goes. ${FRESHNESS}`,
    tags: ['reports'],
    query: ForecastQuery,
    response: ForecastReport,
    errors: [403],
  },
  async ({ query, user }) => {
    const report = await forecastReport(query, user);
    return query.format === 'csv' ? csv(200, forecastCsv(report), 'forecast.csv') : json(200, report);
  },
);

export const getOwnersReport = defineOperation(
  {
    summary: 'Per rep: won and lost in the range, open pipeline now (weighted and not), win rate',
    description: `Managers see every rep, reps their own row. ${FRESHNESS}`,
    tags: ['reports'],
    query: OwnersReportQuery,
    response: OwnersReport,
  },
  async ({ query, user }) => {
    const report = await ownersReport(query, user);
    return query.format === 'csv' ? csv(200, ownersCsv(report), 'owners.csv') : json(200, report);
  },
);

export const getLossReasonsReport = defineOperation(
  {
    summary: 'Deals lost in the range per loss reason: count and amounts',
    description: `By closing month. Reps see their own deals; managers everyone's, or one rep's with ownerId. ${FRESHNESS}`,
    tags: ['reports'],
    query: LossReasonsQuery,
    response: LossReasonsReport,
    errors: [403],
  },
  async ({ query, user }) => {
    const report = await lossReasonsReport(query, user);
    return query.format === 'csv' ? csv(200, lossReasonsCsv(report), 'loss-reasons.csv') : json(200, report);
  },
);
