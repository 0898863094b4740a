import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import type { Deal } from '../../../lib/api-client.ts';
import { formatMoney, formatPercent } from '../../../lib/format.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useProducts } from '../../../lib/queries.ts';
import { patchDeal, putLines, useRefreshDeal } from '../api/deals.ts';
import {
  type DraftLine,
  draftOf,
  draftTotals,
  freeLine,
  lineNet,
  linesBody,
  productLine,
} from '../lines-draft.ts';

export function LinesEditor({ deal }: { deal: Deal }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const refresh = useRefreshDeal();
  const products = useProducts();
  const [lines, setLines] = useState<DraftLine[]>(() => deal.lines.map((l) => draftOf(l, deal.currency)));
  const [discount, setDiscount] = useState(String(deal.discountPercent));
  const [pick, setPick] = useState('');
  const totals = draftTotals(lines, discount, deal.currency);
  const money = (minor: number) => formatMoney(minor, deal.currency, locale);
  const update = (key: string, patch: Partial<DraftLine>) =>
    setLines((all) => all.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const save = useMutation({
    mutationFn: async () => {
      let saved = await putLines(deal.id, linesBody(lines, deal.currency));
      const wanted = Number(discount.replace(',', '.') || '0');
      if (wanted !== saved.discountPercent)
        saved = await patchDeal(deal.id, saved.version, { discountPercent: wanted });
      return saved;
    },
    onSuccess: async (saved) => {
      setLines(saved.lines.map((l) => draftOf(l, saved.currency)));
      setDiscount(String(saved.discountPercent));
      await refresh(saved);
      toast(t('common.saved'));
    },
  });

  return (
    <section className="panel" aria-labelledby="lines-title">
      <h2 id="lines-title">{t('lines.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (totals) save.mutate();
        }}
      >
        {lines.length === 0 && <p className="muted">{t('lines.empty')}</p>}
        <ol className="lines">
          {lines.map((line, i) => {
            const n = i + 1;
            const net = lineNet(line, deal.currency);
            const label = (key: Parameters<typeof t>[0]) => `${t(key)} (${t('lines.line', { n })})`;
            return (
              <li key={line.key} className="line-row">
                <label className="line-name">
                  <span className="visually-hidden">{label('lines.name')}</span>
                  <input
                    value={line.name}
                    required
                    maxLength={200}
                    placeholder={t('lines.name')}
                    onChange={(e) => update(line.key, { name: e.target.value })}
                  />
                </label>
                <label>
                  <span className="line-label">{t('lines.quantity')}</span>
                  <input
                    aria-label={label('lines.quantity')}
                    inputMode="decimal"
                    value={line.quantity}
                    onChange={(e) => update(line.key, { quantity: e.target.value })}
                  />
                </label>
                <label>
                  <span className="line-label">{t('lines.unitPrice')}</span>
                  <input
                    aria-label={label('lines.unitPrice')}
                    inputMode="decimal"
                    value={line.unitPrice}
                    onChange={(e) => update(line.key, { unitPrice: e.target.value })}
                  />
                </label>
                <label>
                  <span className="line-label">{t('lines.discount')}</span>
                  <input
                    aria-label={label('lines.discount')}
                    inputMode="decimal"
                    value={line.discountPercent}
                    onChange={(e) => update(line.key, { discountPercent: e.target.value })}
                  />
                </label>
                <label>
                  <span className="line-label">{t('lines.taxRate')}</span>
                  <input
                    aria-label={label('lines.taxRate')}
                    inputMode="decimal"
                    value={line.taxRate}
                    onChange={(e) => update(line.key, { taxRate: e.target.value })}
                  />
                </label>
                <output className="line-total" aria-label={label('lines.total')}>
                  {net === undefined ? '—' : money(net)}
                </output>
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-label={t('lines.remove', { n })}
                  onClick={() => setLines((all) => all.filter((l) => l.key !== line.key))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ol>
        <div className="line-adders">
          <label className="inline-field">
            {t('lines.addProduct')}
            <select
              value={pick}
              onChange={(e) => {
                const product = products.data?.find((p) => p.id === e.target.value);
                if (product) setLines((all) => [...all, productLine(product, deal.currency)]);
                setPick('');
              }}
            >
              <option value="">{t('lines.product')}…</option>
              {products.data
                ?.filter((p) => p.active && p.currency === deal.currency)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} · {formatMoney(p.unitPrice, p.currency, locale)}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" className="button" onClick={() => setLines((all) => [...all, freeLine()])}>
            {t('lines.free')}
          </button>
        </div>
        <div className="totals-row">
          <label className="inline-field">
            {t('lines.dealDiscount')}
            <input
              inputMode="decimal"
              size={5}
              value={discount}
              onChange={(e) => setDiscount(e.target.value)}
            />
          </label>
          {totals ? (
            <dl className="totals" aria-live="polite">
              <dt>{t('lines.subtotal')}</dt>
              <dd>{money(totals.subtotal)}</dd>
              {totals.discount > 0 && (
                <>
                  <dt>{t('lines.discountTotal')}</dt>
                  <dd>−{money(totals.discount)}</dd>
                </>
              )}
              <dt>{t('lines.net')}</dt>
              <dd data-total="net">{money(totals.net)}</dd>
              {totals.taxes.map((tax) => (
                <div key={tax.rate} className="totals-pair">
                  <dt>{t('lines.tax', { rate: formatPercent(tax.rate, locale) })}</dt>
                  <dd>{money(tax.amount)}</dd>
                </div>
              ))}
              <dt>{t('lines.grandTotal')}</dt>
              <dd data-total="total">
                <strong>{money(totals.total)}</strong>
              </dd>
            </dl>
          ) : (
            <p className="error" role="alert">
              {t('lines.invalid')}
            </p>
          )}
        </div>
        {save.error && (
          <p className="error" role="alert">
            {errorMessage(save.error, t)}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={!totals || save.isPending}>
            {save.isPending ? t('common.saving') : t('lines.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
