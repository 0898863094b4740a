import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type FieldSpec, RecordForm } from '../../../components/record-form.tsx';
import { Icon } from '../../../components/ui/icons.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError, api, type Product, unwrap } from '../../../lib/api-client.ts';
import { formatMoney, formatPercent, moneyInput, parseDecimal, parseMoney } from '../../../lib/format.ts';
import { type Translate, useI18n } from '../../../lib/i18n.tsx';
import { keys, useProducts } from '../../../lib/queries.ts';
import { useUser } from '../../../lib/use-session.ts';

function productFields(t: Translate): FieldSpec[] {
  return [
    { key: 'name', label: t('products.name'), required: true },
    { key: 'unitPrice', label: t('products.unitPrice'), required: true, inputMode: 'decimal' },
    { key: 'currency', label: t('products.currency'), required: true },
    { key: 'taxRate', label: t('products.taxRate'), required: true, inputMode: 'decimal' },
    { key: 'sku', label: t('products.sku') },
    { key: 'description', label: t('products.description'), type: 'textarea' },
  ];
}

const initialOf = (p?: Product) => ({
  name: p?.name ?? '',
  unitPrice: p ? moneyInput(p.unitPrice, p.currency) : '',
  currency: p?.currency ?? 'EUR',
  taxRate: p ? String(p.taxRate) : '20',
  sku: p?.sku ?? '',
  description: p?.description ?? '',
});

/** Form text to a product body; a number that does not parse is a 422-like problem on its field. */
function bodyOf(values: Record<string, string>, mode: 'create' | 'edit') {
  const currency = (values.currency ?? '').trim().toUpperCase();
  const unitPrice = parseMoney(values.unitPrice ?? '', currency || 'EUR');
  const taxRate = parseDecimal(values.taxRate ?? '');
  const problems = [
    ...(unitPrice === undefined ? [{ path: 'unitPrice', message: '0.00' }] : []),
    ...(taxRate === undefined ? [{ path: 'taxRate', message: '20' }] : []),
  ];
  if (problems.length > 0) throw new ApiError(422, 'invalid', 'numbers only', problems);
  const optional = (key: string) => {
    const v = (values[key] ?? '').trim();
    return v ? v : mode === 'edit' ? null : undefined;
  };
  return {
    name: (values.name ?? '').trim(),
    unitPrice,
    currency,
    taxRate,
    ...(optional('sku') !== undefined ? { sku: optional('sku') } : {}),
    ...(optional('description') !== undefined ? { description: optional('description') } : {}),
  };
}

export function ProductsScreen() {
  const { t, locale } = useI18n();
  const user = useUser();
  const toast = useToast();
  const client = useQueryClient();
  const products = useProducts();
  const [editing, setEditing] = useState<Product | 'new' | undefined>();
  const refresh = () => client.invalidateQueries({ queryKey: keys.products });
  const save = async (values: Record<string, string>) => {
    if (editing === 'new') {
      await unwrap(api.POST('/products', { body: bodyOf(values, 'create') as never }));
    } else if (editing) {
      await unwrap(
        api.PATCH('/products/{id}', {
          params: { path: { id: editing.id } },
          body: bodyOf(values, 'edit') as never,
        }),
      );
    }
    await refresh();
    setEditing(undefined);
    toast(t('common.saved'));
  };
  const toggle = async (product: Product) => {
    try {
      await unwrap(
        api.PATCH('/products/{id}', {
          params: { path: { id: product.id } },
          body: { active: !product.active },
        }),
      );
      await refresh();
    } catch (error) {
      toast(errorMessage(error, t), 'error');
    }
  };
  return (
    <div>
      <header className="page-head">
        <h1>{t('products.title')}</h1>
        {user.manager && (
          <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
            <Icon name="plus" /> {t('products.new')}
          </button>
        )}
      </header>
      {!user.manager && <p className="notice">{t('products.readOnly')}</p>}
      {editing && (
        <section
          className="panel"
          aria-label={editing === 'new' ? t('products.new') : t('products.editing', { name: editing.name })}
        >
          <h2>{editing === 'new' ? t('products.new') : t('products.editing', { name: editing.name })}</h2>
          <RecordForm
            key={editing === 'new' ? 'new' : editing.id}
            fields={productFields(t)}
            initial={initialOf(editing === 'new' ? undefined : editing)}
            submitLabel={editing === 'new' ? t('common.create') : t('common.save')}
            onSubmit={save}
            extra={
              <button type="button" className="button button-quiet" onClick={() => setEditing(undefined)}>
                {t('common.cancel')}
              </button>
            }
          />
        </section>
      )}
      {products.error && <ErrorState error={products.error} retry={() => void products.refetch()} />}
      {products.isPending && <Loading />}
      {products.data && products.data.length === 0 && <Empty>{t('products.empty')}</Empty>}
      {products.data && products.data.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('products.name')}</th>
                <th scope="col">{t('products.sku')}</th>
                <th scope="col" className="num">
                  {t('products.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('products.taxRate')}
                </th>
                <th scope="col">{t('products.active')}</th>
                {user.manager && (
                  <th scope="col">
                    <span className="visually-hidden">{t('common.edit')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {products.data.map((p) => (
                <tr key={p.id} className={p.active ? '' : 'row-inactive'}>
                  <td>
                    {p.name}
                    {p.description && <div className="muted small">{p.description}</div>}
                  </td>
                  <td>{p.sku}</td>
                  <td className="num">{formatMoney(p.unitPrice, p.currency, locale)}</td>
                  <td className="num">{formatPercent(p.taxRate, locale)}</td>
                  <td>{p.active ? t('products.active') : t('products.inactive')}</td>
                  {user.manager && (
                    <td className="row-actions">
                      <button type="button" className="button button-small" onClick={() => setEditing(p)}>
                        {t('common.edit')}
                        <span className="visually-hidden"> {p.name}</span>
                      </button>
                      <button
                        type="button"
                        className="button button-small button-quiet"
                        onClick={() => void toggle(p)}
                      >
                        {p.active ? t('products.deactivate') : t('products.activate')}
                        <span className="visually-hidden"> {p.name}</span>
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
