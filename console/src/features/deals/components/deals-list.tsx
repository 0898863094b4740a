import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Icon } from '../../../components/ui/icons.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { authorizedFetch, type Deal } from '../../../lib/api-client.ts';
import { formatDate, formatMoney } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { stageLabel, useCompaniesIndex, useContactsIndex, usePipelines } from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';
import { useDealPages } from '../api/deals.ts';
import { dealQuery, readFilters, writeFilters } from '../filters.ts';
import { FiltersBar } from './filters-bar.tsx';

type Column = 'name' | 'client' | 'stage' | 'amount' | 'closeDate' | 'ownerId';

export function DealsListScreen() {
  const { t, locale } = useI18n();
  const user = useUser();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const query = dealQuery(filters, user);
  const pages = useDealPages(query);
  const pipelines = usePipelines();
  const contacts = useContactsIndex();
  const companies = useCompaniesIndex();
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({
    column: 'closeDate',
    descending: false,
  });
  const stages = new Map((pipelines.data ?? []).flatMap((p) => p.stages.map((s) => [s.id, s] as const)));
  const clientOf = (d: Deal) =>
    (d.contactId && contacts.data?.get(d.contactId)?.name) ||
    (d.companyId && companies.data?.get(d.companyId)?.name) ||
    '';
  const cellOf = (d: Deal, column: Column): string | number => {
    if (column === 'client') return clientOf(d);
    if (column === 'stage')
      return stages.get(d.stageId) ? stageLabel(stages.get(d.stageId) as never, locale) : d.stageId;
    return d[column];
  };
  const deals = [...(pages.data?.pages.flatMap((p) => p.items) ?? [])].sort((a, b) => {
    const x = cellOf(a, sort.column);
    const y = cellOf(b, sort.column);
    const order =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), locale);
    return sort.descending ? -order : order;
  });

  const download = async () => {
    try {
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      const res = await authorizedFetch(`/deals.csv?${search}`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'deals.csv';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (error) {
      toast(errorMessage(error, t), 'error');
    }
  };

  const header = (column: Column, label: string) => {
    const active = sort.column === column;
    return (
      <th scope="col" aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => setSort({ column, descending: active ? !sort.descending : false })}
          aria-label={t('list.sortBy', { column: label })}
        >
          {label} {active ? (sort.descending ? '↓' : '↑') : ''}
        </button>
      </th>
    );
  };

  return (
    <div>
      <header className="page-head">
        <h1>{t('list.title')}</h1>
        <button type="button" className="button" onClick={() => void download()}>
          <Icon name="download" /> {t('list.csv')}
        </button>
        <Link className="button button-primary" to="/deals/new">
          <Icon name="plus" /> {t('board.newDeal')}
        </Link>
      </header>
      <FiltersBar
        filters={filters}
        onChange={(next) => setParams(writeFilters(next), { replace: true })}
        showStatus
      />
      {pages.error && <ErrorState error={pages.error} retry={() => void pages.refetch()} />}
      {pages.isPending && <Loading />}
      {!pages.isPending && !pages.error && deals.length === 0 && (
        <Empty>
          <Link to="/deals/new">{t('board.empty')}</Link>
        </Empty>
      )}
      {deals.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {header('name', t('deal.name'))}
                {header('client', t('deal.client'))}
                {header('stage', t('deal.stage'))}
                {header('amount', t('deal.amount'))}
                {header('closeDate', t('deal.closeDate'))}
                {header('ownerId', t('deal.owner'))}
              </tr>
            </thead>
            <tbody>
              {deals.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/deals/${d.id}`}>{d.name}</Link>
                  </td>
                  <td>{clientOf(d)}</td>
                  <td>{cellOf(d, 'stage')}</td>
                  <td className="num">{formatMoney(d.amount, d.currency, locale)}</td>
                  <td>{formatDate(d.closeDate, locale)}</td>
                  <td>{d.ownerId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore pages={pages} />
    </div>
  );
}
