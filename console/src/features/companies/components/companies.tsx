import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { bodyOf, type FieldSpec, RecordForm } from '../../../components/record-form.tsx';
import { RelatedDeals } from '../../../components/related-deals.tsx';
import { Icon } from '../../../components/ui/icons.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Company } from '../../../lib/api-client.ts';
import { type Translate, useI18n } from '../../../lib/i18n.tsx';
import { useCompany, useCompanyPages, useSaveCompany } from '../api/companies.ts';

function companyFields(t: Translate): FieldSpec[] {
  return [
    { key: 'name', label: t('companies.name'), required: true },
    { key: 'email', label: t('companies.email'), type: 'email' },
    { key: 'vatNumber', label: t('companies.vatNumber') },
    { key: 'source', label: t('companies.source') },
    { key: 'address', label: t('companies.address'), type: 'textarea' },
  ];
}

const initialOf = (c?: Company) => ({
  name: c?.name ?? '',
  email: c?.email ?? '',
  vatNumber: c?.vatNumber ?? '',
  source: c?.source ?? '',
  address: c?.address ?? '',
});

export function CompaniesScreen() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const pages = useCompanyPages();
  const save = useSaveCompany();
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const companies = (pages.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (c) => !needle || `${c.name} ${c.email ?? ''} ${c.vatNumber ?? ''}`.toLowerCase().includes(needle),
  );
  return (
    <div>
      <header className="page-head">
        <h1>{t('companies.title')}</h1>
        <button
          type="button"
          className="button button-primary"
          aria-expanded={creating}
          onClick={() => setCreating((v) => !v)}
        >
          <Icon name="plus" /> {t('companies.new')}
        </button>
      </header>
      {creating && (
        <section className="panel" aria-label={t('companies.new')}>
          <RecordForm
            fields={companyFields(t)}
            initial={initialOf()}
            submitLabel={t('common.create')}
            onSubmit={async (values) => {
              const created = await save(undefined, bodyOf(values, companyFields(t), 'create'));
              toast(t('companies.created'));
              navigate(`/companies/${created.id}`);
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
      {pages.error && <ErrorState error={pages.error} retry={() => void pages.refetch()} />}
      {pages.isPending && <Loading />}
      {pages.data && companies.length === 0 && <Empty>{t('companies.empty')}</Empty>}
      {companies.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('companies.name')}</th>
                <th scope="col">{t('companies.email')}</th>
                <th scope="col">{t('companies.vatNumber')}</th>
              </tr>
            </thead>
            <tbody>
              {companies.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/companies/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>{c.email}</td>
                  <td>{c.vatNumber}</td>
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

export function CompanyScreen() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const toast = useToast();
  const company = useCompany(id);
  const save = useSaveCompany();
  if (company.error) return <ErrorState error={company.error} retry={() => void company.refetch()} />;
  if (!company.data) return <Loading />;
  const fields = companyFields(t);
  return (
    <div>
      <p>
        <Link to="/companies">← {t('companies.title')}</Link>
      </p>
      <h1>{company.data.name}</h1>
      <div className="two-columns">
        <section className="panel" aria-label={t('common.edit')}>
          <RecordForm
            key={company.data.updatedAt}
            fields={fields}
            initial={initialOf(company.data)}
            submitLabel={t('common.save')}
            onSubmit={async (values) => {
              await save(id, bodyOf(values, fields, 'edit'));
              toast(t('common.saved'));
            }}
          />
        </section>
        <RelatedDeals
          filter={{ companyId: id }}
          title="companies.deals"
          empty="companies.noDeals"
          newDeal="companies.newDeal"
        />
      </div>
    </div>
  );
}
