import { Link, useParams } from 'react-router';
import { ErrorState, Loading } from '../../../components/ui/states.tsx';
import { formatDate, formatMoney } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useCompaniesIndex, useContactsIndex, usePipelines } from '../../../lib/queries.ts';
import { useDeal } from '../api/deals.ts';
import { DealForm } from './deal-form.tsx';
import { LinesEditor } from './lines-editor.tsx';
import { StageBar } from './stage-bar.tsx';
import { Timeline } from './timeline.tsx';

export function DealScreen() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const deal = useDeal(id);
  const pipelines = usePipelines();
  const contacts = useContactsIndex();
  const companies = useCompaniesIndex();
  if (deal.error) return <ErrorState error={deal.error} retry={() => void deal.refetch()} />;
  if (pipelines.error) return <ErrorState error={pipelines.error} retry={() => void pipelines.refetch()} />;
  if (!deal.data || !pipelines.data) return <Loading />;
  const d = deal.data;
  const pipeline = pipelines.data.find((p) => p.id === d.pipelineId);
  if (!pipeline) return <Loading />;
  const contact = d.contactId ? contacts.data?.get(d.contactId) : undefined;
  const company = d.companyId ? companies.data?.get(d.companyId) : undefined;
  return (
    <div className="deal-screen">
      <p>
        <Link to="/board">← {t('deal.back')}</Link>
      </p>
      <header className="deal-head">
        <div>
          <h1>{d.name}</h1>
          <p className="deal-sub">
            <span className={`status status-${d.status}`}>{t(`deal.status.${d.status}`)}</span>
            <span>{formatMoney(d.amount, d.currency, locale)}</span>
            <span>
              {t('deal.closeDate')}: {formatDate(d.closeDate, locale)}
            </span>
            <span>
              {t('deal.owner')}: {d.ownerId}
            </span>
            {d.repeat && <span className="badge badge-repeat">{t('deal.repeat')}</span>}
          </p>
          <p className="deal-sub">
            {contact && (
              <Link to={`/contacts/${contact.id}`}>
                {t('deal.contact')}: {contact.name}
              </Link>
            )}
            {company && (
              <Link to={`/companies/${company.id}`}>
                {t('deal.company')}: {company.name}
              </Link>
            )}
            {d.lossReason && (
              <span>
                {t('deal.lossReason')}: {d.lossReason}
              </span>
            )}
          </p>
        </div>
      </header>
      <StageBar deal={d} pipeline={pipeline} />
      <div className="deal-columns">
        <div className="deal-main">
          <DealForm key={d.id} deal={d} pipeline={pipeline} />
          <LinesEditor key={`${d.id}-${d.version}-lines`} deal={d} />
        </div>
        <div className="deal-side">
          <Timeline deal={d} pipeline={pipeline} />
        </div>
      </div>
    </div>
  );
}
