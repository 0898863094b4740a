import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { runDueWork } from '#services/work';
// Registers the kinds of work this job runs (email deliveries).
import '#services/notify';

/**
 * Scheduled (EventBridge every minute in the cloud, every DELIVER_EVERY_SECONDS on the local stack):
 * runs the work that is due (email deliveries being retried), within the function's timeout.
 */
export const handler = observed(async () => {
  const result = await runDueWork({ budgetMs: 45_000 });
  if (result.done + result.retry + result.failed > 0) logger.info('due work run', result);
  return result;
});
