import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '#config/logger';
import { metrics, observed } from '#config/observability';
import { BACKLOG_METRICS } from '#contracts/metrics';
import { runDueReminders } from '#services/reminders';
import { runDueWork, workBacklog } from '#services/work';
// Registers the kinds of work this job runs (email and webhook deliveries, checks of unconfirmed
// link opens).
import '#services/notify';
// The documents its emails attach (a retried signed-copy email seals the copy when still missing).
import '#services/email-documents';
import '#services/views';
import '#services/webhooks';

/**
 * Scheduled (EventBridge every minute in the cloud, every DELIVER_EVERY_SECONDS on the local stack):
 * sends the reminders that are due, runs the work that is due (email deliveries being retried),
 * within the function's timeout, then
 * publishes what is left: how many items are pending and how long the oldest due one has waited.
 */
export const handler = observed(async () => {
  // Reminders first: their emails are outbox events, tried at once by notify from the stream.
  const reminders = await runDueReminders({ budgetMs: 10_000 });
  if (reminders.sent + reminders.deferred + reminders.failed > 0) logger.info('reminders run', reminders);
  const result = await runDueWork({ budgetMs: 35_000 });
  if (result.done + result.retry + result.failed > 0) logger.info('due work run', result);
  const backlog = await workBacklog();
  metrics.addMetric(BACKLOG_METRICS.overdue, MetricUnit.Seconds, backlog.overdueSeconds);
  metrics.addMetric(BACKLOG_METRICS.pending, MetricUnit.Count, backlog.pending);
  if (backlog.overdueSeconds >= 5 * 60) logger.warn('deliveries are backing up', { ...backlog });
  return { ...result, ...backlog, reminders };
});
