import { useI18n } from '../../lib/i18n.tsx';

/** The next page of a cursor-paged list, when there is one. */
export function LoadMore({
  pages,
}: {
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const { t } = useI18n();
  if (!pages.hasNextPage) return null;
  return (
    <button
      type="button"
      className="button button-quiet"
      disabled={pages.isFetchingNextPage}
      onClick={() => void pages.fetchNextPage()}
    >
      {t('common.loadMore')}
    </button>
  );
}
