import {
  type Announcements,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Icon } from '../../../components/ui/icons.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Deal, Pipeline, Stage } from '../../../lib/api-client.ts';
import { formatDate, formatMoney, type Locale, today } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import {
  defaultPipeline,
  stageLabel,
  useCompaniesIndex,
  useContactsIndex,
  usePipelines,
} from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';
import { moveDeal, useDealPages, useOverdueDeals, usePipelineReport, useRefreshDeal } from '../api/deals.ts';
import { columnDeals, endMove, type PendingMoves, startMove } from '../board-moves.ts';
import { type DealFilters, dealQuery, ownerOf, readFilters, writeFilters } from '../filters.ts';
import { FiltersBar } from './filters-bar.tsx';
import { LossDialog } from './loss-dialog.tsx';

type ReportStage = {
  stageId: string;
  count: number;
  totals: { currency: string; amount: number; weightedAmount: number }[];
};

/** Pointer drops go where the pointer is; keyboard drops where the moved card's box lands. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

/** Left and right arrows jump the lifted card to the previous or next column. */
const columnJumps: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') return undefined;
  event.preventDefault();
  const rects = [...context.droppableRects.values()].sort((a, b) => a.left - b.left);
  const active = context.collisionRect;
  if (!active) return undefined;
  const centre = active.left + active.width / 2;
  const target =
    event.code === 'ArrowRight'
      ? rects.find((r) => r.left > centre)
      : [...rects].reverse().find((r) => r.left + r.width < centre);
  if (!target) return currentCoordinates;
  return { x: currentCoordinates.x + (target.left + target.width / 2 - centre), y: currentCoordinates.y };
};

function useFilters(): [DealFilters, (next: DealFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  return [filters, (next) => setParams(writeFilters(next), { replace: true })];
}

export function BoardScreen() {
  const { t } = useI18n();
  const pipelines = usePipelines();
  const [filters, setFilters] = useFilters();
  if (pipelines.error) return <ErrorState error={pipelines.error} retry={() => void pipelines.refetch()} />;
  if (!pipelines.data) return <Loading />;
  const pipeline = pipelines.data.find((p) => p.id === filters.pipelineId) ?? defaultPipeline(pipelines.data);
  if (!pipeline) return <Empty>{t('board.empty')}</Empty>;
  return (
    <div className="board-screen">
      <header className="page-head">
        <h1>{t('board.title')}</h1>
        {pipelines.data.length > 1 && (
          <label className="inline-field">
            {t('board.pipeline')}
            <select
              value={pipeline.id}
              onChange={(e) => setFilters({ ...filters, pipelineId: e.target.value })}
            >
              {pipelines.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <Link className="button button-primary" to={`/deals/new?pipeline=${pipeline.id}`}>
          <Icon name="plus" /> {t('board.newDeal')}
        </Link>
      </header>
      <FiltersBar filters={filters} onChange={setFilters} />
      <Board pipeline={pipeline} filters={filters} />
    </div>
  );
}

function Board({ pipeline, filters }: { pipeline: Pipeline; filters: DealFilters }) {
  const { t, locale } = useI18n();
  const user = useUser();
  const toast = useToast();
  const refresh = useRefreshDeal();
  const owner = ownerOf(filters, user);
  const report = usePipelineReport(pipeline.id, owner);
  const [pending, setPending] = useState<PendingMoves<Deal>>(new Map());
  const [asking, setAsking] = useState<{ deal: Deal; stage: Stage } | undefined>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  // Small screens show one column at a time, picked from the stage list.
  const [picked, setPicked] = useState<string | undefined>();
  const query = { ...dealQuery({ ...filters, pipelineId: pipeline.id }, user) };
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnJumps }),
  );
  const stageById = new Map(pipeline.stages.map((s) => [s.id, s]));

  const move = (deal: Deal, stage: Stage, lossReason?: string) => {
    if (deal.stageId === stage.id) return;
    if (stage.kind === 'lost' && !lossReason) {
      setAsking({ deal, stage });
      return;
    }
    setPending((p) => startMove(p, deal, stage.id));
    moveDeal(deal.id, stage.id, lossReason)
      .then(async (moved) => {
        await refresh(moved);
        toast(t('board.moved', { deal: deal.name, stage: stageLabel(stage, locale) }));
      })
      .catch((error: unknown) => {
        toast(t('board.moveFailed', { deal: deal.name, reason: errorMessage(error, t) }), 'error');
        void refresh();
      })
      .finally(() => setPending((p) => endMove(p, deal.id)));
  };

  const onDragEnd = (event: DragEndEvent) => {
    const deal = event.active.data.current?.deal as Deal | undefined;
    const stage = event.over ? stageById.get(String(event.over.id)) : undefined;
    if (deal && stage) move(deal, stage);
  };

  const name = (id: string | number | undefined) => {
    const stage = id === undefined ? undefined : stageById.get(String(id));
    return stage ? stageLabel(stage, locale) : '';
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) => `${(active.data.current?.deal as Deal | undefined)?.name ?? ''}`,
    onDragOver: ({ over }) => name(over?.id),
    onDragEnd: ({ over }) => name(over?.id),
    onDragCancel: () => t('common.cancel'),
  };
  const reportOf = (stageId: string) =>
    (report.data?.stages as ReportStage[] | undefined)?.find((s) => s.stageId === stageId);
  const current = picked ?? pipeline.stages[0]?.id;

  return (
    <>
      <p className="hint board-hint">{t('board.dragHint')}</p>
      <nav className="stage-picker" aria-label={t('board.stages')}>
        {pipeline.stages.map((stage) => (
          <button
            key={stage.id}
            type="button"
            aria-pressed={current === stage.id}
            onClick={() => setPicked(stage.id)}
          >
            {stageLabel(stage, locale)} <span className="badge">{reportOf(stage.id)?.count ?? 0}</span>
          </button>
        ))}
      </nav>
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragEnd={onDragEnd}
        accessibility={{
          announcements,
          screenReaderInstructions: { draggable: t('board.dragHint') },
        }}
      >
        <div className="board">
          {pipeline.stages.map((stage) => {
            const closed = stage.kind !== 'open';
            const open = !closed || expanded.has(stage.id);
            return (
              <Column
                key={stage.id}
                stage={stage}
                stages={pipeline.stages}
                query={{ ...query, stageId: stage.id }}
                report={reportOf(stage.id)}
                pending={pending}
                collapsed={!open}
                hiddenOnSmall={current !== stage.id}
                toggle={
                  closed
                    ? () =>
                        setExpanded((all) => {
                          const next = new Set(all);
                          if (next.has(stage.id)) next.delete(stage.id);
                          else next.add(stage.id);
                          return next;
                        })
                    : undefined
                }
                onMove={move}
                locale={locale}
              />
            );
          })}
        </div>
      </DndContext>
      {asking && (
        <LossDialog
          open
          dealName={asking.deal.name}
          onCancel={() => setAsking(undefined)}
          onConfirm={(reason) => {
            const { deal, stage } = asking;
            setAsking(undefined);
            move(deal, stage, reason);
          }}
        />
      )}
    </>
  );
}

function totalsText(report: ReportStage | undefined, locale: Locale, key: 'amount' | 'weightedAmount') {
  if (!report || report.totals.length === 0) return formatMoney(0, 'EUR', locale);
  return report.totals.map((m) => formatMoney(m[key], m.currency, locale)).join(' + ');
}

function Column({
  stage,
  stages,
  query,
  report,
  pending,
  collapsed,
  hiddenOnSmall,
  toggle,
  onMove,
  locale,
}: {
  stage: Stage;
  stages: Stage[];
  query: Parameters<typeof useDealPages>[0];
  report: ReportStage | undefined;
  pending: PendingMoves<Deal>;
  collapsed: boolean;
  hiddenOnSmall: boolean;
  toggle: (() => void) | undefined;
  onMove: (deal: Deal, stage: Stage) => void;
  locale: Locale;
}) {
  const { t } = useI18n();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id });
  const pages = useDealPages(query, !collapsed);
  const contacts = useContactsIndex();
  const companies = useCompaniesIndex();
  const overdue = useOverdueDeals();
  const server = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const deals = columnDeals(stage.id, server, pending);
  const label = stageLabel(stage, locale);
  const headingId = `stage-${stage.id}`;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  // A filtered page may hold few deals while more follow: fill the column's first screen.
  useEffect(() => {
    if (!collapsed && hasNextPage && !isFetchingNextPage && server.length < 10) void fetchNextPage();
  }, [collapsed, hasNextPage, isFetchingNextPage, server.length, fetchNextPage]);

  return (
    <section
      ref={setNodeRef}
      className={`column column-${stage.kind}${collapsed ? ' column-collapsed' : ''}${isOver ? ' column-over' : ''}${hiddenOnSmall ? ' column-offscreen' : ''}`}
      aria-labelledby={headingId}
    >
      <header className="column-head">
        <h2 id={headingId}>{label}</h2>
        <p className="column-figures">
          <span>{t('board.count', { count: report?.count ?? 0 })}</span>
          <span>{totalsText(report, locale, 'amount')}</span>
          {stage.kind === 'open' && (
            <span className="muted">
              {t('board.weighted', { amount: totalsText(report, locale, 'weightedAmount') })}
            </span>
          )}
        </p>
        {toggle && (
          <button
            type="button"
            className="button button-quiet button-small"
            aria-expanded={!collapsed}
            onClick={toggle}
          >
            {collapsed ? t('board.expand', { stage: label }) : t('board.collapse', { stage: label })}
          </button>
        )}
      </header>
      {!collapsed && (
        <div className="column-body">
          {pages.error && <ErrorState error={pages.error} retry={() => void pages.refetch()} />}
          {pages.isPending && <Loading />}
          {!pages.isPending && deals.length === 0 && (
            <p className="muted column-empty">{t('board.columnEmpty')}</p>
          )}
          <ul className="cards">
            {deals.map((deal) => {
              const client =
                (deal.contactId && contacts.data?.get(deal.contactId)?.name) ||
                (deal.companyId && companies.data?.get(deal.companyId)?.name) ||
                undefined;
              return (
                <DealCard
                  key={deal.id}
                  deal={deal}
                  client={client}
                  late={
                    deal.status === 'open' &&
                    (deal.closeDate < today() || (overdue.data?.has(deal.id) ?? false))
                  }
                  stages={stages}
                  onMove={onMove}
                  moving={pending.has(deal.id)}
                />
              );
            })}
          </ul>
          <LoadMore pages={pages} />
        </div>
      )}
    </section>
  );
}

function DealCard({
  deal,
  client,
  late,
  stages,
  onMove,
  moving,
}: {
  deal: Deal;
  client: string | undefined;
  late: boolean;
  stages: Stage[];
  onMove: (deal: Deal, stage: Stage) => void;
  moving: boolean;
}) {
  const { t, locale } = useI18n();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } = useDraggable({
    id: deal.id,
    data: { deal },
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`card${isDragging ? ' card-dragging' : ''}${moving ? ' card-moving' : ''}`}
      data-deal={deal.id}
    >
      <div className="card-top">
        <Link to={`/deals/${deal.id}`} className="card-title">
          {deal.name}
        </Link>
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="grip"
          {...attributes}
          {...listeners}
          aria-label={t('board.moveLabel', { deal: deal.name })}
        >
          <Icon name="grip" />
        </button>
      </div>
      {client && <p className="card-client">{client}</p>}
      <p className="card-amount">{formatMoney(deal.amount, deal.currency, locale)}</p>
      <p className="card-meta">
        <span>{formatDate(deal.closeDate, locale)}</span>
        <span>{deal.ownerId}</span>
        {late && (
          <span className="late" title={t('board.overdueHint')}>
            <Icon name="alert" size={14} /> {t('board.overdue')}
          </span>
        )}
      </p>
      {deal.nextStep && <p className="card-next">{deal.nextStep}</p>}
      <label className="card-move">
        <span className="visually-hidden">{t('board.moveLabel', { deal: deal.name })}</span>
        <select
          value=""
          onChange={(e) => {
            const stage = stages.find((s) => s.id === e.target.value);
            if (stage) onMove(deal, stage);
          }}
        >
          <option value="">{t('board.moveTo')}</option>
          {stages
            .filter((s) => s.id !== deal.stageId)
            .map((s) => (
              <option key={s.id} value={s.id}>
                {stageLabel(s, locale)}
              </option>
            ))}
        </select>
      </label>
    </li>
  );
}
