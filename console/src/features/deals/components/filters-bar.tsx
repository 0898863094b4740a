import { useId } from 'react';
import { useI18n } from '../../../lib/i18n.tsx';
import { useUser } from '../../../lib/use-session.ts';
import { type DealFilters, OWNER_ALL, ownerOf } from '../filters.ts';

/** Owner, close dates, amounts and text; every change goes to the URL. */
export function FiltersBar({
  filters,
  onChange,
  showStatus = false,
}: {
  filters: DealFilters;
  onChange: (next: DealFilters) => void;
  showStatus?: boolean;
}) {
  const { t } = useI18n();
  const user = useUser();
  const id = useId();
  const owner = ownerOf(filters, user);
  const ownerChoice = owner === user.id ? 'mine' : owner === undefined ? OWNER_ALL : 'other';
  const set = (patch: Partial<DealFilters>) => {
    const next: DealFilters = { ...filters, ...patch };
    for (const key of Object.keys(next) as (keyof DealFilters)[]) {
      if (next[key] === undefined || next[key] === '') delete next[key];
    }
    onChange(next);
  };
  const num = (value: string) => (value === '' || Number.isNaN(Number(value)) ? undefined : Number(value));
  return (
    <form className="filters" aria-label={t('filters.title')} onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={`${id}-owner`}>{t('filters.owner')}</label>
        <select
          id={`${id}-owner`}
          value={ownerChoice}
          onChange={(e) => {
            // The default (no `owner` in the URL) is a rep's own deals and a manager's everyone's.
            if (e.target.value === 'mine') set({ owner: user.manager ? user.id : undefined });
            else if (e.target.value === OWNER_ALL) set({ owner: user.manager ? undefined : OWNER_ALL });
          }}
        >
          <option value="mine">{t('filters.ownerMine')}</option>
          <option value={OWNER_ALL}>{t('filters.ownerAll')}</option>
          {ownerChoice === 'other' && <option value="other">{owner}</option>}
        </select>
      </div>
      {user.manager && (
        <div className="field">
          <label htmlFor={`${id}-ownerId`}>{t('filters.ownerId')}</label>
          <input
            id={`${id}-ownerId`}
            defaultValue={ownerChoice === 'other' ? owner : ''}
            key={filters.owner ?? ''}
            onBlur={(e) => e.target.value.trim() && set({ owner: e.target.value.trim() })}
            size={10}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('filters.closeFrom')}</label>
        <input
          id={`${id}-from`}
          type="date"
          value={filters.closeFrom ?? ''}
          onChange={(e) => set({ closeFrom: e.target.value || undefined })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('filters.closeTo')}</label>
        <input
          id={`${id}-to`}
          type="date"
          value={filters.closeTo ?? ''}
          onChange={(e) => set({ closeTo: e.target.value || undefined })}
        />
      </div>
      <div className="field field-narrow">
        <label htmlFor={`${id}-min`}>{t('filters.minAmount')}</label>
        <input
          id={`${id}-min`}
          inputMode="decimal"
          defaultValue={filters.min ?? ''}
          onBlur={(e) => set({ min: num(e.target.value) })}
        />
      </div>
      <div className="field field-narrow">
        <label htmlFor={`${id}-max`}>{t('filters.maxAmount')}</label>
        <input
          id={`${id}-max`}
          inputMode="decimal"
          defaultValue={filters.max ?? ''}
          onBlur={(e) => set({ max: num(e.target.value) })}
        />
      </div>
      {showStatus && (
        <div className="field">
          <label htmlFor={`${id}-status`}>{t('filters.status')}</label>
          <select
            id={`${id}-status`}
            value={filters.status ?? ''}
            onChange={(e) => set({ status: (e.target.value || undefined) as DealFilters['status'] })}
          >
            <option value="">{t('filters.anyStatus')}</option>
            <option value="open">{t('deal.status.open')}</option>
            <option value="won">{t('deal.status.won')}</option>
            <option value="lost">{t('deal.status.lost')}</option>
          </select>
        </div>
      )}
      <div className="field field-grow">
        <label htmlFor={`${id}-q`}>{t('filters.q')}</label>
        <input
          id={`${id}-q`}
          type="search"
          defaultValue={filters.q ?? ''}
          key={filters.q ?? ''}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ q: e.currentTarget.value.trim() || undefined });
          }}
          onBlur={(e) => set({ q: e.target.value.trim() || undefined })}
        />
      </div>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => onChange(filters.pipelineId ? { pipelineId: filters.pipelineId } : {})}
      >
        {t('filters.clear')}
      </button>
    </form>
  );
}
