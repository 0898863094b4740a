export { QuoteBuilderScreen as Component } from '../../features/quotes/components/quote-builder.tsx';
