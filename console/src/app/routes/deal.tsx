export { DealScreen as Component } from '../../features/deals/components/deal-page.tsx';
