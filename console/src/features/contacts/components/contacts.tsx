import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { bodyOf, type FieldSpec, RecordForm } from '../../../components/record-form.tsx';
import { RelatedDeals } from '../../../components/related-deals.tsx';
import { Icon } from '../../../components/ui/icons.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { Empty, ErrorState, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Contact } from '../../../lib/api-client.ts';
import { type Translate, useI18n } from '../../../lib/i18n.tsx';
import { useCompaniesIndex } from '../../../lib/queries.ts';
import { useContact, useContactPages, useSaveContact } from '../api/contacts.ts';

function contactFields(t: Translate, companies: { value: string; label: string }[]): FieldSpec[] {
  return [
    { key: 'name', label: t('contacts.name'), required: true },
    { key: 'email', label: t('contacts.email'), type: 'email', required: true },
    { key: 'phone', label: t('contacts.phone'), type: 'tel' },
    { key: 'companyId', label: t('contacts.company'), type: 'select', options: companies },
    { key: 'source', label: t('contacts.source') },
    {
      key: 'locale',
      label: t('contacts.locale'),
      type: 'select',
      options: [
        { value: 'en', label: 'English' },
        { value: 'fr', label: 'Français' },
      ],
    },
  ];
}

const initialOf = (c?: Contact) => ({
  name: c?.name ?? '',
  email: c?.email ?? '',
  phone: c?.phone ?? '',
  companyId: c?.companyId ?? '',
  source: c?.source ?? '',
  locale: c?.locale ?? '',
});

export function ContactsScreen() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const pages = useContactPages();
  const companies = useCompaniesIndex();
  const save = useSaveContact();
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');
  const options = [...(companies.data?.values() ?? [])].map((c) => ({ value: c.id, label: c.name }));
  const needle = search.trim().toLowerCase();
  const contacts = (pages.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (c) => !needle || `${c.name} ${c.email} ${c.phone ?? ''}`.toLowerCase().includes(needle),
  );
  return (
    <div>
      <header className="page-head">
        <h1>{t('contacts.title')}</h1>
        <button
          type="button"
          className="button button-primary"
          aria-expanded={creating}
          onClick={() => setCreating((v) => !v)}
        >
          <Icon name="plus" /> {t('contacts.new')}
        </button>
      </header>
      {creating && (
        <section className="panel" aria-label={t('contacts.new')}>
          <RecordForm
            fields={contactFields(t, options)}
            initial={initialOf()}
            submitLabel={t('common.create')}
            onSubmit={async (values) => {
              const created = await save(undefined, bodyOf(values, contactFields(t, options), 'create'));
              toast(t('contacts.created'));
              navigate(`/contacts/${created.id}`);
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
      {pages.data && contacts.length === 0 && <Empty>{t('contacts.empty')}</Empty>}
      {contacts.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('contacts.name')}</th>
                <th scope="col">{t('contacts.email')}</th>
                <th scope="col">{t('contacts.phone')}</th>
                <th scope="col">{t('contacts.company')}</th>
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/contacts/${c.id}`}>{c.name}</Link>
                  </td>
                  <td>{c.email}</td>
                  <td>{c.phone}</td>
                  <td>{c.companyId ? companies.data?.get(c.companyId)?.name : ''}</td>
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

export function ContactScreen() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const toast = useToast();
  const contact = useContact(id);
  const companies = useCompaniesIndex();
  const save = useSaveContact();
  if (contact.error) return <ErrorState error={contact.error} retry={() => void contact.refetch()} />;
  if (!contact.data) return <Loading />;
  const options = [...(companies.data?.values() ?? [])].map((c) => ({ value: c.id, label: c.name }));
  const fields = contactFields(t, options);
  return (
    <div>
      <p>
        <Link to="/contacts">← {t('contacts.title')}</Link>
      </p>
      <h1>{contact.data.name}</h1>
      <div className="two-columns">
        <section className="panel" aria-label={t('common.edit')}>
          <RecordForm
            key={contact.data.updatedAt}
            fields={fields}
            initial={initialOf(contact.data)}
            submitLabel={t('common.save')}
            onSubmit={async (values) => {
              await save(id, bodyOf(values, fields, 'edit'));
              toast(t('common.saved'));
            }}
          />
        </section>
        <RelatedDeals
          filter={{ contactId: id }}
          title="contacts.deals"
          empty="contacts.noDeals"
          newDeal="contacts.newDeal"
        />
      </div>
    </div>
  );
}
