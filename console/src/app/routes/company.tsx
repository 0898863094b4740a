export { CompanyScreen as Component } from '../../features/companies/components/companies.tsx';
