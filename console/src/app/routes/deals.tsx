export { DealsListScreen as Component } from '../../features/deals/components/deals-list.tsx';
