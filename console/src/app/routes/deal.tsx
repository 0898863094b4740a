import { useParams } from 'react-router';
import { DealScreen } from '../../features/deals/components/deal-page.tsx';
import { QuotesSection } from '../../features/quotes/components/quotes-section.tsx';

/** The deal page, with its quotes (features do not import each other: the route composes them). */
export function Component() {
  const { id = '' } = useParams();
  return <DealScreen quotes={<QuotesSection key={`quotes-${id}`} dealId={id} />} />;
}
