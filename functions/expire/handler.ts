import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { expireQuotes } from '#services/expiry';

/** Scheduled (EventBridge in the cloud, every minute in the local stack): expires overdue quotes. */
export const handler = observed(async (): Promise<{ expired: number }> => {
  const result = await expireQuotes();
  if (result.expired > 0) logger.info('quotes expired', result);
  return result;
});
