import { useState } from 'react';
import { errorMessage } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Deal, Pipeline, Stage } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { stageLabel } from '../../../lib/queries.ts';
import { useMoveDeal } from '../api/deals.ts';
import { LossDialog } from './loss-dialog.tsx';

/** The pipeline's stages in order; clicking one moves the deal there (a lost stage asks why first). */
export function StageBar({ deal, pipeline }: { deal: Deal; pipeline: Pipeline }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const move = useMoveDeal();
  const [asking, setAsking] = useState<Stage | undefined>();
  const currentIndex = pipeline.stages.findIndex((s) => s.id === deal.stageId);
  const go = (stage: Stage, lossReason?: string) =>
    move.mutate(
      { id: deal.id, stageId: stage.id, ...(lossReason ? { lossReason } : {}) },
      {
        onSuccess: () => toast(t('board.moved', { deal: deal.name, stage: stageLabel(stage, locale) })),
        onError: (error) =>
          toast(t('board.moveFailed', { deal: deal.name, reason: errorMessage(error, t) }), 'error'),
      },
    );
  return (
    <nav aria-label={t('deal.stageBar')}>
      <ol className="stage-bar">
        {pipeline.stages.map((stage, i) => {
          const current = stage.id === deal.stageId;
          return (
            <li
              key={stage.id}
              className={`stage-step stage-${stage.kind}${current ? ' is-current' : ''}${i < currentIndex && stage.kind === 'open' ? ' is-done' : ''}`}
            >
              <button
                type="button"
                aria-current={current ? 'step' : undefined}
                disabled={move.isPending}
                onClick={() => {
                  if (current) return;
                  if (stage.kind === 'lost') setAsking(stage);
                  else go(stage);
                }}
              >
                {stageLabel(stage, locale)}
                {current && deal.status !== 'open' && stage.kind !== 'open' ? '' : ''}
              </button>
            </li>
          );
        })}
      </ol>
      {asking && (
        <LossDialog
          open
          dealName={deal.name}
          onCancel={() => setAsking(undefined)}
          onConfirm={(reason) => {
            setAsking(undefined);
            go(asking, reason);
          }}
        />
      )}
    </nav>
  );
}
