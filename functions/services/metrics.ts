import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '#config/observability';
import type { QuoteAction } from '#domain/quotes';

/** The business metrics operators watch (namespace `Closer`; README "Operations" lists them). */

const QUOTE_METRICS: Record<QuoteAction, string> = {
  send: 'QuotesSent',
  view: 'QuotesViewed',
  sign: 'QuotesSigned',
  requestChanges: 'QuoteChangesRequested',
  decline: 'QuotesDeclined',
  expire: 'QuotesExpired',
  withdraw: 'QuotesWithdrawn',
  revise: 'QuotesRevised',
};

/** One quote transition written (counted once, after its transaction succeeded). */
export function countQuoteTransition(action: QuoteAction): void {
  metrics.addMetric(QUOTE_METRICS[action], MetricUnit.Count, 1);
}

export function countEmail(outcome: 'sent' | 'failed'): void {
  metrics.addMetric(outcome === 'sent' ? 'EmailsSent' : 'EmailsFailed', MetricUnit.Count, 1);
}

/** A CSV import that wrote (dry runs are not counted), with its rows by outcome. */
export function countImport(result: {
  created: number;
  updated: number;
  rejected: number;
  postponed: number;
}) {
  metrics.addMetric('Imports', MetricUnit.Count, 1);
  metrics.addMetric('ImportRowsCreated', MetricUnit.Count, result.created);
  metrics.addMetric('ImportRowsUpdated', MetricUnit.Count, result.updated);
  metrics.addMetric('ImportRowsRejected', MetricUnit.Count, result.rejected);
  metrics.addMetric('ImportRowsPostponed', MetricUnit.Count, result.postponed);
}
