import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Field } from '../../../components/ui/field.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import type { Deal, Pipeline } from '../../../lib/api-client.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { stageLabel } from '../../../lib/queries.ts';
import { addComment, useRefreshDeal, useTimeline } from '../api/deals.ts';
import { eventSentence } from '../timeline-text.ts';

export function Timeline({ deal, pipeline }: { deal: Deal; pipeline: Pipeline }) {
  const { t, locale } = useI18n();
  const timeline = useTimeline(deal.id);
  const refresh = useRefreshDeal();
  const [text, setText] = useState('');
  const comment = useMutation({
    mutationFn: () => addComment(deal.id, text.trim()),
    onSuccess: async () => {
      setText('');
      await refresh(deal);
    },
  });
  const stageName = (id: string, fallback?: string) => {
    const stage = pipeline.stages.find((s) => s.id === id);
    return `“${stage ? stageLabel(stage, locale) : (fallback ?? id)}”`;
  };
  const events = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline.title')}</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) comment.mutate();
        }}
      >
        <Field
          label={t('timeline.comment')}
          error={comment.error ? errorMessage(comment.error, t) : undefined}
        >
          {(props) => (
            <textarea
              {...props}
              rows={2}
              value={text}
              maxLength={5000}
              onChange={(e) => setText(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button" disabled={comment.isPending || text.trim() === ''}>
            {t('timeline.post')}
          </button>
        </div>
      </form>
      {timeline.error && <ErrorState error={timeline.error} retry={() => void timeline.refetch()} />}
      {timeline.isPending && <Loading />}
      {!timeline.isPending && events.length === 0 && <p className="muted">{t('timeline.empty')}</p>}
      <ol className="timeline">
        {events.map((event) => (
          <li key={event.id} data-type={event.type}>
            <p>{eventSentence(event, t, locale, { currency: deal.currency, stageName })}</p>
            <time dateTime={event.at}>{formatDateTime(event.at, locale)}</time>
          </li>
        ))}
      </ol>
      <LoadMore pages={timeline} />
    </section>
  );
}
