import { csv } from '#http/csv';
import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { forecastCsv, lossReasonsCsv, ownersCsv, pipelineReportCsv } from '#services/csv';
import { forecastReport, lossReasonsReport, ownersReport, pipelineReport } from '#services/reports';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/reports.ts').then((m) => m.reportsContracts);

export const getPipelineReport = defineOperation(contracts, 'getPipelineReport', async ({ query, user }) => {
  const report = await pipelineReport(query, user);
  return query.format === 'csv'
    ? csv(200, pipelineReportCsv(report), 'pipeline-report.csv')
    : json(200, report);
});

export const getForecastReport = defineOperation(contracts, 'getForecastReport', async ({ query, user }) => {
  const report = await forecastReport(query, user);
  return query.format === 'csv' ? csv(200, forecastCsv(report), 'forecast.csv') : json(200, report);
});

export const getOwnersReport = defineOperation(contracts, 'getOwnersReport', async ({ query, user }) => {
  const report = await ownersReport(query, user);
  return query.format === 'csv' ? csv(200, ownersCsv(report), 'owners.csv') : json(200, report);
});

export const getLossReasonsReport = defineOperation(
  contracts,
  'getLossReasonsReport',
  async ({ query, user }) => {
    const report = await lossReasonsReport(query, user);
    return query.format === 'csv' ? csv(200, lossReasonsCsv(report), 'loss-reasons.csv') : json(200, report);
  },
);
