export { BoardScreen as Component } from '../../features/deals/components/board.tsx';
