import { useI18n } from '../../../lib/i18n.tsx';
import type { QuoteStatus } from '../api/quotes.ts';
import { STATUS_TONE } from '../status.ts';

/** A quote's status as a coloured chip that always says it in words. */
export function StatusChip({ status }: { status: QuoteStatus }) {
  const { t } = useI18n();
  return (
    <span className={`chip chip-${STATUS_TONE[status]}`} data-status={status}>
      {t(`quotes.status.${status}`)}
    </span>
  );
}
