import { type ReactNode, useId, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { NO_REASON } from '#domain/reports';
import { Icon } from '../../../components/ui/icons.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Stage } from '../../../lib/api-client.ts';
import { downloadFile, queryString } from '../../../lib/download.ts';
import { formatMoney, formatNumber, formatPercent, type Locale } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { defaultPipeline, stageLabel, usePipelines } from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';
import {
  type ForecastReport,
  type LossReasonsReport,
  type MoneyTotal,
  type OwnersReport,
  type Period,
  type PipelineReport,
  useForecast,
  useLossReasons,
  useOwners,
  usePipelineFunnel,
} from '../api/reports.ts';
import { bounds, clampRange, closedRange, periodLabel, thisMonth } from '../range.ts';
import { BarRows, Columns, type Series } from './charts.tsx';
import { type Column, FiguresTable } from './figures-table.tsx';

interface Scope {
  pipelineId: string | undefined;
  ownerId: string | undefined;
  period: Period;
  from: string;
  to: string;
}

/** The dashboard's choices live in the URL, so a view can be bookmarked and shared. */
function useScope(): [Scope, (patch: Partial<Scope>, changed?: 'from' | 'to') => void] {
  const [params, setParams] = useSearchParams();
  const scope = useMemo<Scope>(() => {
    const current = thisMonth();
    const period: Period = params.get('period') === 'quarter' ? 'quarter' : 'month';
    const range = clampRange(
      {
        from: params.get('from') ?? `${current.slice(0, 4)}-01`,
        to: params.get('to') ?? `${current.slice(0, 4)}-12`,
        period,
      },
      'from',
    );
    return {
      pipelineId: params.get('pipeline') ?? undefined,
      ownerId: params.get('owner') ?? undefined,
      period,
      ...range,
    };
  }, [params]);
  const update = (patch: Partial<Scope>, changed: 'from' | 'to' = 'from') => {
    const next = { ...scope, ...patch };
    const range = clampRange(next, changed);
    setParams(
      new URLSearchParams(
        queryString({
          pipeline: next.pipelineId,
          owner: next.ownerId,
          period: next.period === 'month' ? undefined : next.period,
          from: range.from,
          to: range.to,
        }),
      ),
      { replace: true },
    );
  };
  return [scope, update];
}

/** Every currency of a set of totals, in a stable order. */
function currenciesOf(totals: MoneyTotal[][]): string[] {
  return [...new Set(totals.flat().map((m) => m.currency))].sort();
}

function totalIn(totals: MoneyTotal[], currency: string): MoneyTotal {
  return totals.find((m) => m.currency === currency) ?? { currency, count: 0, amount: 0, weightedAmount: 0 };
}

/** One figure per currency, one line each (never a sum across currencies). */
function MoneyCell({
  totals,
  field,
  locale,
}: {
  totals: MoneyTotal[];
  field: 'amount' | 'weightedAmount';
  locale: Locale;
}) {
  if (totals.length === 0) return <>{formatNumber(0, locale)}</>;
  return (
    <>
      {totals.map((m) => (
        <span key={m.currency} className="money-line" data-currency={m.currency}>
          {formatMoney(m[field], m.currency, locale)}
        </span>
      ))}
    </>
  );
}

/** A report section: its title, its CSV download, then its figures. */
function ReportSection({
  title,
  csv,
  children,
}: {
  title: string;
  csv: { path: string; file: string };
  children: ReactNode;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  return (
    <section className="panel report" aria-labelledby={id}>
      <div className="panel-head">
        <h2 id={id}>{title}</h2>
        <button
          type="button"
          className="button button-small"
          onClick={() =>
            void downloadFile(csv.path, csv.file).catch((error: unknown) =>
              toast(errorMessage(error, t), 'error'),
            )
          }
        >
          <Icon name="download" /> {t('dashboard.csv')}
          <span className="visually-hidden"> ({title})</span>
        </button>
      </div>
      {children}
    </section>
  );
}

export function DashboardScreen() {
  const { t, locale } = useI18n();
  const user = useUser();
  const id = useId();
  const pipelines = usePipelines();
  const [scope, setScope] = useScope();
  // Reps always see their own figures; managers everyone's, or one rep's.
  const ownerId = user.manager ? scope.ownerId : undefined;
  const pipeline =
    pipelines.data?.find((p) => p.id === scope.pipelineId) ?? defaultPipeline(pipelines.data ?? undefined);
  const closed = closedRange(scope);
  const owners = useOwners(closed);
  const { min, max } = bounds();
  return (
    <div className="dashboard">
      <header className="page-head">
        <h1>{t('dashboard.title')}</h1>
      </header>
      <form className="filters" aria-label={t('dashboard.choices')} onSubmit={(e) => e.preventDefault()}>
        {(pipelines.data?.length ?? 0) > 1 && (
          <div className="field">
            <label htmlFor={`${id}-pipeline`}>{t('board.pipeline')}</label>
            <select
              id={`${id}-pipeline`}
              value={pipeline?.id ?? ''}
              onChange={(e) => setScope({ pipelineId: e.target.value })}
            >
              {pipelines.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {user.manager && (
          <div className="field">
            <label htmlFor={`${id}-owner`}>{t('dashboard.owner')}</label>
            <select
              id={`${id}-owner`}
              value={scope.ownerId ?? ''}
              onChange={(e) => setScope({ ownerId: e.target.value || undefined })}
            >
              <option value="">{t('dashboard.everyone')}</option>
              {[
                ...new Set([
                  ...(owners.data?.owners.map((o) => o.ownerId) ?? []),
                  ...(scope.ownerId ? [scope.ownerId] : []),
                ]),
              ].map((o) => (
                <option key={o} value={o}>
                  {owners.data?.owners.find((x) => x.ownerId === o)?.ownerName ?? o}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-period`}>{t('dashboard.period')}</label>
          <select
            id={`${id}-period`}
            value={scope.period}
            onChange={(e) => setScope({ period: e.target.value as Period })}
          >
            <option value="month">{t('dashboard.byMonth')}</option>
            <option value="quarter">{t('dashboard.byQuarter')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('dashboard.from')}</label>
          <input
            id={`${id}-from`}
            type="month"
            min={min}
            max={max}
            value={scope.from}
            aria-describedby={`${id}-range`}
            onChange={(e) => e.target.value && setScope({ from: e.target.value }, 'from')}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t('dashboard.to')}</label>
          <input
            id={`${id}-to`}
            type="month"
            min={min}
            max={max}
            value={scope.to}
            aria-describedby={`${id}-range`}
            onChange={(e) => e.target.value && setScope({ to: e.target.value }, 'to')}
          />
        </div>
        <p className="hint range-hint" id={`${id}-range`}>
          {t('dashboard.rangeHint', { min: periodLabel(min, locale), max: periodLabel(max, locale) })}
        </p>
      </form>
      {pipelines.error && <ErrorState error={pipelines.error} retry={() => void pipelines.refetch()} />}
      <div className="report-grid">
        {pipeline && <Funnel pipelineId={pipeline.id} stages={pipeline.stages} ownerId={ownerId} />}
        <LossReasons range={{ ...closed, ownerId }} />
        <Forecast scope={{ ...scope, ownerId }} />
        <RepGrid range={closed} query={owners} manager={user.manager} />
      </div>
    </div>
  );
}

type Tally = { count: number; totals: MoneyTotal[] };
type ForecastRow = ForecastReport['periods'][number];
type OwnerRow = OwnersReport['owners'][number];

/** Columns of a tally: its count, or one of its amounts with one line per currency. */
function tallyColumns<T = Tally>(
  locale: Locale,
  figures: [key: string, label: string, field: 'count' | 'amount' | 'weightedAmount'][],
  tallyOf: (row: T) => Tally = (row) => row as unknown as Tally,
): Column<T>[] {
  return figures.map(([key, label, field]) => ({
    key,
    label,
    cell: (row: T) => {
      const tally = tallyOf(row);
      return field === 'count' ? (
        formatNumber(tally.count, locale)
      ) : (
        <MoneyCell totals={tally.totals} field={field} locale={locale} />
      );
    },
  }));
}

function QueryState({ query }: { query: { error: unknown; isPending: boolean; refetch: () => unknown } }) {
  if (query.error) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending) return <Loading />;
  return null;
}

function Funnel({
  pipelineId,
  stages,
  ownerId,
}: {
  pipelineId: string;
  stages: Stage[];
  ownerId: string | undefined;
}) {
  const { t, locale } = useI18n();
  const report = usePipelineFunnel(pipelineId, ownerId);
  const data: PipelineReport | undefined = report.data;
  const open = (data?.stages ?? []).filter((s) => s.kind === 'open');
  const currencies = currenciesOf(open.map((s) => s.totals));
  const stageOf = (stageId: string) => stages.find((s) => s.id === stageId);
  const nameOf = (s: PipelineReport['stages'][number]) => {
    const stage = stageOf(s.stageId);
    return stage ? stageLabel(stage, locale) : s.name;
  };
  const boardLink = (stageId: string) =>
    `/board?${queryString({ pipeline: pipelineId, stage: stageId, owner: ownerId })}`;
  const series: Series[] = [
    { key: 'amount', label: t('dashboard.amount'), tone: 'series-open' },
    { key: 'weighted', label: t('dashboard.weighted'), tone: 'series-weighted' },
  ];
  return (
    <ReportSection
      title={t('dashboard.funnel')}
      csv={{
        path: `/reports/pipeline?${queryString({ pipelineId, ownerId, format: 'csv' })}`,
        file: 'pipeline.csv',
      }}
    >
      <QueryState query={report} />
      {data && (
        <>
          <p className="hint">{t('dashboard.funnelHint')}</p>
          {currencies.map((currency) => (
            <figure key={currency} className="chart">
              <figcaption>{t('dashboard.inCurrency', { currency })}</figcaption>
              <BarRows
                name={`${t('dashboard.funnel')} (${currency})`}
                series={series}
                rows={open.map((s) => {
                  const m = totalIn(s.totals, currency);
                  return {
                    key: s.stageId,
                    label: <Link to={boardLink(s.stageId)}>{nameOf(s)}</Link>,
                    values: { amount: m.amount, weighted: m.weightedAmount },
                    text: `${nameOf(s)}: ${formatMoney(m.amount, currency, locale)}, ${t('dashboard.weighted')} ${formatMoney(m.weightedAmount, currency, locale)}`,
                  };
                })}
              />
            </figure>
          ))}
          <FiguresTable
            report="funnel"
            label={t('dashboard.funnel')}
            head={t('deal.stage')}
            columns={tallyColumns(locale, [
              ['count', t('dashboard.deals'), 'count'],
              ['amount', t('dashboard.amount'), 'amount'],
              ['weighted', t('dashboard.weighted'), 'weightedAmount'],
            ])}
            rows={open.map((s) => ({
              key: s.stageId,
              label: <Link to={boardLink(s.stageId)}>{nameOf(s)}</Link>,
              value: s,
            }))}
            footer={{ label: t('dashboard.openTotal'), value: data.open }}
          />
        </>
      )}
    </ReportSection>
  );
}

function Forecast({ scope }: { scope: Scope }) {
  const { t, locale } = useI18n();
  const report = useForecast(scope);
  const data: ForecastReport | undefined = report.data;
  const periods = data?.periods ?? [];
  const currencies = currenciesOf(periods.flatMap((p) => [p.open.totals, p.won.totals, p.lost.totals]));
  const series: Series[] = [
    { key: 'open', label: t('dashboard.openAmount'), tone: 'series-open' },
    { key: 'weighted', label: t('dashboard.openWeighted'), tone: 'series-weighted' },
    { key: 'won', label: t('dashboard.wonAmount'), tone: 'series-won' },
    { key: 'lost', label: t('dashboard.lostAmount'), tone: 'series-lost' },
  ];
  const query = { from: scope.from, to: scope.to, period: scope.period, ownerId: scope.ownerId };
  return (
    <ReportSection
      title={t('dashboard.forecast')}
      csv={{ path: `/reports/forecast?${queryString({ ...query, format: 'csv' })}`, file: 'forecast.csv' }}
    >
      <QueryState query={report} />
      {data && (
        <>
          <p className="hint">{t('dashboard.forecastHint')}</p>
          {currencies.length === 0 && <Empty>{t('dashboard.noData')}</Empty>}
          {currencies.map((currency) => (
            <figure key={currency} className="chart">
              <figcaption>{t('dashboard.inCurrency', { currency })}</figcaption>
              <Columns
                name={`${t('dashboard.forecast')} (${currency})`}
                series={series}
                groups={periods.map((p) => ({
                  key: p.period,
                  label: periodLabel(p.period, locale),
                  values: {
                    open: totalIn(p.open.totals, currency).amount,
                    weighted: totalIn(p.open.totals, currency).weightedAmount,
                    won: totalIn(p.won.totals, currency).amount,
                    lost: totalIn(p.lost.totals, currency).amount,
                  },
                }))}
              />
            </figure>
          ))}
          <FiguresTable
            report="forecast"
            label={t('dashboard.forecast')}
            head={t('dashboard.periodColumn')}
            columns={[
              ...tallyColumns<ForecastRow>(
                locale,
                [
                  ['openCount', t('dashboard.openDeals'), 'count'],
                  ['openAmount', t('dashboard.openAmount'), 'amount'],
                  ['openWeighted', t('dashboard.openWeighted'), 'weightedAmount'],
                ],
                (p) => p.open,
              ),
              ...tallyColumns<ForecastRow>(
                locale,
                [
                  ['wonCount', t('dashboard.won'), 'count'],
                  ['wonAmount', t('dashboard.wonAmount'), 'amount'],
                ],
                (p) => p.won,
              ),
              ...tallyColumns<ForecastRow>(
                locale,
                [
                  ['lostCount', t('dashboard.lost'), 'count'],
                  ['lostAmount', t('dashboard.lostAmount'), 'amount'],
                ],
                (p) => p.lost,
              ),
            ]}
            rows={periods.map((p) => ({ key: p.period, label: periodLabel(p.period, locale), value: p }))}
          />
        </>
      )}
    </ReportSection>
  );
}

function RepGrid({
  range,
  query,
  manager,
}: {
  range: { from: string; to: string };
  query: { data: OwnersReport | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  manager: boolean;
}) {
  const { t, locale } = useI18n();
  const data = query.data;
  return (
    <ReportSection
      title={manager ? t('dashboard.reps') : t('dashboard.mine')}
      csv={{ path: `/reports/owners?${queryString({ ...range, format: 'csv' })}`, file: 'owners.csv' }}
    >
      <QueryState query={query} />
      {data && (
        <>
          <p className="hint">
            {t('dashboard.closedHint', {
              from: periodLabel(data.from, locale),
              to: periodLabel(data.to, locale),
            })}
          </p>
          {data.owners.length === 0 ? (
            <Empty>{t('dashboard.noData')}</Empty>
          ) : (
            <FiguresTable
              report="owners"
              label={t('dashboard.reps')}
              head={t('dashboard.rep')}
              columns={[
                ...tallyColumns<OwnerRow>(
                  locale,
                  [
                    ['wonCount', t('dashboard.won'), 'count'],
                    ['wonAmount', t('dashboard.wonAmount'), 'amount'],
                  ],
                  (o) => o.won,
                ),
                ...tallyColumns<OwnerRow>(
                  locale,
                  [
                    ['lostCount', t('dashboard.lost'), 'count'],
                    ['lostAmount', t('dashboard.lostAmount'), 'amount'],
                  ],
                  (o) => o.lost,
                ),
                {
                  key: 'winRate',
                  label: t('dashboard.winRate'),
                  cell: (o: OwnerRow) =>
                    o.winRate === null ? t('common.none') : formatPercent(o.winRate * 100, locale),
                },
                ...tallyColumns<OwnerRow>(
                  locale,
                  [
                    ['openAmount', t('dashboard.pipeline'), 'amount'],
                    ['openWeighted', t('dashboard.weightedPipeline'), 'weightedAmount'],
                  ],
                  (o) => o.open,
                ),
              ]}
              rows={data.owners.map((o) => ({ key: o.ownerId, label: o.ownerName ?? o.ownerId, value: o }))}
            />
          )}
        </>
      )}
    </ReportSection>
  );
}

function LossReasons({ range }: { range: { from: string; to: string; ownerId?: string | undefined } }) {
  const { t, locale } = useI18n();
  const report = useLossReasons(range);
  const data: LossReasonsReport | undefined = report.data;
  const reasons = data?.reasons ?? [];
  const label = (reason: string) => (reason === NO_REASON ? t('dashboard.noReason') : reason);
  return (
    <ReportSection
      title={t('dashboard.lossReasons')}
      csv={{
        path: `/reports/loss-reasons?${queryString({ ...range, format: 'csv' })}`,
        file: 'loss-reasons.csv',
      }}
    >
      <QueryState query={report} />
      {data && (
        <>
          <p className="hint">
            {t('dashboard.lostHint', {
              from: periodLabel(data.from, locale),
              to: periodLabel(data.to, locale),
            })}
          </p>
          {reasons.length === 0 ? (
            <Empty>{t('dashboard.noLosses')}</Empty>
          ) : (
            <>
              <figure className="chart">
                <figcaption>{t('dashboard.lostDeals')}</figcaption>
                <BarRows
                  name={t('dashboard.lossReasons')}
                  series={[{ key: 'count', label: t('dashboard.lostDeals'), tone: 'series-lost' }]}
                  rows={reasons.map((r) => ({
                    key: r.lossReason,
                    label: label(r.lossReason),
                    values: { count: r.count },
                    text: `${label(r.lossReason)}: ${formatNumber(r.count, locale)}`,
                  }))}
                />
              </figure>
              <FiguresTable
                report="loss-reasons"
                label={t('dashboard.lossReasons')}
                head={t('deal.lossReason')}
                columns={tallyColumns(locale, [
                  ['count', t('dashboard.deals'), 'count'],
                  ['amount', t('dashboard.amount'), 'amount'],
                ])}
                rows={reasons.map((r) => ({ key: r.lossReason, label: label(r.lossReason), value: r }))}
              />
            </>
          )}
        </>
      )}
    </ReportSection>
  );
}
