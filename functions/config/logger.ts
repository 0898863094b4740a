import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools). Level from POWERTOOLS_LOG_LEVEL; the local stack sets WARN. */
export const logger = new Logger({ serviceName: 'closer' });
