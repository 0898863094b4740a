import { Link } from 'react-router';
import { useI18n } from '../../lib/i18n.tsx';

export function Component() {
  const { t } = useI18n();
  return (
    <div className="state">
      <h1>{t('notFound.title')}</h1>
      <Link to="/board">{t('notFound.back')}</Link>
    </div>
  );
}
