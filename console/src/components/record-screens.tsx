import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type MessageKey, type Translate, useI18n } from '../lib/i18n.tsx';
import { bodyOf, type FieldSpec, RecordForm } from './record-form.tsx';
import { RelatedDeals } from './related-deals.tsx';
import { Icon } from './ui/icons.tsx';
import { LoadMore } from './ui/load-more.tsx';
import { Empty, ErrorState, Loading } from './ui/states.tsx';
import { useToast } from './ui/toast.tsx';

/**
 * The list and detail screens of a directory record (a contact, a company): a searchable table
 * with a "new" form, and a detail page with the edit form and the record's deals. Each kind says
 * what differs (its fields, columns, texts and API hooks); the screens are written once.
 */

export interface DirectoryRecord {
  id: string;
  name: string;
  updatedAt: string;
}

interface Pages<T> {
  data?: { pages: { items: T[] }[] };
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

interface One<T> {
  data?: T;
  error: unknown;
  refetch: () => unknown;
}

export interface DirectoryKind<T extends DirectoryRecord> {
  /** The list's path (`/contacts`); a record is at `<path>/<id>`. */
  path: string;
  texts: {
    title: MessageKey;
    new: MessageKey;
    created: MessageKey;
    empty: MessageKey;
    deals: MessageKey;
    noDeals: MessageKey;
    newDeal: MessageKey;
  };
  usePages(): Pages<T>;
  useOne(id: string): One<T>;
  useSave(): (id: string | undefined, body: Record<string, unknown>) => Promise<T>;
  /** The form's fields and the list's extra columns (after the name), which may need other data. */
  useView(t: Translate): {
    fields: FieldSpec[];
    columns: { header: string; cell: (record: T) => ReactNode }[];
  };
  initialOf(record?: T): Record<string, string>;
  /** What the list's search box matches. */
  searchText(record: T): string;
  dealFilter(id: string): { contactId: string } | { companyId: string };
}

export function DirectoryListScreen<T extends DirectoryRecord>({ kind }: { kind: DirectoryKind<T> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const pages = kind.usePages();
  const save = kind.useSave();
  const { fields, columns } = kind.useView(t);
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const records = (pages.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (r) => !needle || kind.searchText(r).toLowerCase().includes(needle),
  );
  return (
    <div>
      <header className="page-head">
        <h1>{t(kind.texts.title)}</h1>
        <button
          type="button"
          className="button button-primary"
          aria-expanded={creating}
          onClick={() => setCreating((v) => !v)}
        >
          <Icon name="plus" /> {t(kind.texts.new)}
        </button>
      </header>
      {creating && (
        <section className="panel" aria-label={t(kind.texts.new)}>
          <RecordForm
            fields={fields}
            initial={kind.initialOf()}
            submitLabel={t('common.create')}
            onSubmit={async (values) => {
              const created = await save(undefined, bodyOf(values, fields, 'create'));
              toast(t(kind.texts.created));
              navigate(`${kind.path}/${created.id}`);
            }}
          />
        </section>
      )}
      <div className="search-row">
        <label className="inline-field">
          {t('common.search')}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      {pages.error ? <ErrorState error={pages.error} retry={() => void pages.refetch()} /> : null}
      {pages.isPending && <Loading />}
      {pages.data && records.length === 0 && <Empty>{t(kind.texts.empty)}</Empty>}
      {records.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{fields.find((f) => f.key === 'name')?.label}</th>
                {columns.map((c) => (
                  <th scope="col" key={c.header}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`${kind.path}/${r.id}`}>{r.name}</Link>
                  </td>
                  {columns.map((c) => (
                    <td key={c.header}>{c.cell(r)}</td>
                  ))}
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

export function DirectoryRecordScreen<T extends DirectoryRecord>({ kind }: { kind: DirectoryKind<T> }) {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const toast = useToast();
  const record = kind.useOne(id);
  const save = kind.useSave();
  const { fields } = kind.useView(t);
  if (record.error) return <ErrorState error={record.error} retry={() => void record.refetch()} />;
  if (!record.data) return <Loading />;
  return (
    <div>
      <p>
        <Link to={kind.path}>← {t(kind.texts.title)}</Link>
      </p>
      <h1>{record.data.name}</h1>
      <div className="two-columns">
        <section className="panel" aria-label={t('common.edit')}>
          <RecordForm
            key={record.data.updatedAt}
            fields={fields}
            initial={kind.initialOf(record.data)}
            submitLabel={t('common.save')}
            onSubmit={async (values) => {
              await save(id, bodyOf(values, fields, 'edit'));
              toast(t('common.saved'));
            }}
          />
        </section>
        <RelatedDeals
          filter={kind.dealFilter(id)}
          title={kind.texts.deals}
          empty={kind.texts.noDeals}
          newDeal={kind.texts.newDeal}
        />
      </div>
    </div>
  );
}
