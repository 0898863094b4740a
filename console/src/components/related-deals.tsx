import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../lib/api-client.ts';
import { formatDate, formatMoney } from '../lib/format.ts';
import { type MessageKey, useI18n } from '../lib/i18n.tsx';
import { keys } from '../lib/queries.ts';
import { Icon } from './ui/icons.tsx';
import { ErrorState, Loading } from './ui/states.tsx';

/** The deals of a contact or a company, with a "new deal" link pre-filled with it. */
export function RelatedDeals({
  filter,
  title,
  empty,
  newDeal,
}: {
  filter: { contactId: string } | { companyId: string };
  title: MessageKey;
  empty: MessageKey;
  newDeal: MessageKey;
}) {
  const { t, locale } = useI18n();
  const deals = useQuery({
    queryKey: [...keys.deals, 'related', filter],
    queryFn: () => unwrap(api.GET('/deals', { params: { query: { ...filter, limit: 200 } } })),
  });
  const link =
    'contactId' in filter
      ? `/deals/new?contact=${filter.contactId}`
      : `/deals/new?company=${filter.companyId}`;
  return (
    <section className="panel" aria-labelledby="related-title">
      <header className="panel-head">
        <h2 id="related-title">{t(title)}</h2>
        <Link className="button button-primary" to={link}>
          <Icon name="plus" /> {t(newDeal)}
        </Link>
      </header>
      {deals.error && <ErrorState error={deals.error} retry={() => void deals.refetch()} />}
      {deals.isPending && <Loading />}
      {deals.data && deals.data.items.length === 0 && <p className="muted">{t(empty)}</p>}
      {deals.data && deals.data.items.length > 0 && (
        <ul className="related">
          {deals.data.items.map((d) => (
            <li key={d.id}>
              <Link to={`/deals/${d.id}`}>{d.name}</Link>
              <span>{formatMoney(d.amount, d.currency, locale)}</span>
              <span className={`status status-${d.status}`}>{t(`deal.status.${d.status}`)}</span>
              <span className="muted">{formatDate(d.closeDate, locale)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
