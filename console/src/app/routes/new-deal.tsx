export { NewDealScreen as Component } from '../../features/deals/components/new-deal.tsx';
