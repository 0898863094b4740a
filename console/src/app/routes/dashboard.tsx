export { DashboardScreen as Component } from '../../features/reports/components/dashboard.tsx';
