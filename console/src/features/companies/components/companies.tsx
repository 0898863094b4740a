import {
  type DirectoryKind,
  DirectoryListScreen,
  DirectoryRecordScreen,
} from '../../../components/record-screens.tsx';
import type { Company } from '../../../lib/api-client.ts';
import { useCompany, useCompanyPages, useSaveCompany } from '../api/companies.ts';

const companies: DirectoryKind<Company> = {
  path: '/companies',
  texts: {
    title: 'companies.title',
    new: 'companies.new',
    created: 'companies.created',
    empty: 'companies.empty',
    deals: 'companies.deals',
    noDeals: 'companies.noDeals',
    newDeal: 'companies.newDeal',
  },
  usePages: useCompanyPages,
  useOne: useCompany,
  useSave: useSaveCompany,
  useView: (t) => ({
    fields: [
      { key: 'name', label: t('companies.name'), required: true },
      { key: 'email', label: t('companies.email'), type: 'email' },
      { key: 'vatNumber', label: t('companies.vatNumber') },
      { key: 'source', label: t('companies.source') },
      { key: 'address', label: t('companies.address'), type: 'textarea' },
    ],
    columns: [
      { header: t('companies.email'), cell: (c) => c.email },
      { header: t('companies.vatNumber'), cell: (c) => c.vatNumber },
    ],
  }),
  initialOf: (c) => ({
    name: c?.name ?? '',
    email: c?.email ?? '',
    vatNumber: c?.vatNumber ?? '',
    source: c?.source ?? '',
    address: c?.address ?? '',
  }),
  searchText: (c) => `${c.name} ${c.email ?? ''} ${c.vatNumber ?? ''}`,
  dealFilter: (id) => ({ companyId: id }),
};

export function CompaniesScreen() {
  return <DirectoryListScreen kind={companies} />;
}

export function CompanyScreen() {
  return <DirectoryRecordScreen kind={companies} />;
}
