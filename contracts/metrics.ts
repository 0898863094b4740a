/**
 * The custom metrics the functions publish (CloudWatch embedded metric format, Powertools) and the
 * stack's alarms read: one definition of their namespace, dimension and names. No imports.
 */
export const METRICS_NAMESPACE = 'Closer';
/** The `service` dimension Powertools adds to every metric. */
export const METRICS_SERVICE = 'closer';

/** Published by the deliver job after each run. */
export const BACKLOG_METRICS = {
  /** How long the oldest work item that is due has waited past its due time (0: none). */
  overdue: 'WorkOverdueSeconds',
  /** Work items pending (due, or waiting for their next try). */
  pending: 'WorkPending',
} as const;
