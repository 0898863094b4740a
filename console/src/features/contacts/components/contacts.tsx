import type { FieldSpec } from '../../../components/record-form.tsx';
import {
  type DirectoryKind,
  DirectoryListScreen,
  DirectoryRecordScreen,
} from '../../../components/record-screens.tsx';
import type { Contact } from '../../../lib/api-client.ts';
import { useCompaniesIndex } from '../../../lib/queries.ts';
import { useContact, useContactPages, useSaveContact } from '../api/contacts.ts';

const contacts: DirectoryKind<Contact> = {
  path: '/contacts',
  texts: {
    title: 'contacts.title',
    new: 'contacts.new',
    created: 'contacts.created',
    empty: 'contacts.empty',
    deals: 'contacts.deals',
    noDeals: 'contacts.noDeals',
    newDeal: 'contacts.newDeal',
  },
  usePages: useContactPages,
  useOne: useContact,
  useSave: useSaveContact,
  useView(t) {
    const companies = useCompaniesIndex();
    const options = [...(companies.data?.values() ?? [])].map((c) => ({ value: c.id, label: c.name }));
    const fields: FieldSpec[] = [
      { key: 'name', label: t('contacts.name'), required: true },
      { key: 'email', label: t('contacts.email'), type: 'email', required: true },
      { key: 'phone', label: t('contacts.phone'), type: 'tel' },
      { key: 'companyId', label: t('contacts.company'), type: 'select', options },
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
    return {
      fields,
      columns: [
        { header: t('contacts.email'), cell: (c) => c.email },
        { header: t('contacts.phone'), cell: (c) => c.phone },
        {
          header: t('contacts.company'),
          cell: (c) => (c.companyId ? companies.data?.get(c.companyId)?.name : ''),
        },
      ],
    };
  },
  initialOf: (c) => ({
    name: c?.name ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    companyId: c?.companyId ?? '',
    source: c?.source ?? '',
    locale: c?.locale ?? '',
  }),
  searchText: (c) => `${c.name} ${c.email} ${c.phone ?? ''}`,
  dealFilter: (id) => ({ contactId: id }),
};

export function ContactsScreen() {
  return <DirectoryListScreen kind={contacts} />;
}

export function ContactScreen() {
  return <DirectoryRecordScreen kind={contacts} />;
}
