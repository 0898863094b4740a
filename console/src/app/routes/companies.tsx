export { CompaniesScreen as Component } from '../../features/companies/components/companies.tsx';
