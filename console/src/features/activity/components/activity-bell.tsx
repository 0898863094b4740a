import '../activity.css';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Icon } from '../../../components/ui/icons.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { type Translate, useI18n } from '../../../lib/i18n.tsx';
import { keys } from '../../../lib/queries.ts';
import { type ActivityItem, activityKey, markRead, useActivity } from '../api/activity.ts';

export function activitySentence(item: ActivityItem, t: Translate): string {
  const quote =
    item.quoteNumber !== undefined
      ? t('activity.quoteLabel', { number: item.quoteNumber, version: item.quoteVersion ?? 1 })
      : t('activity.aQuote');
  const who = item.details.signer ?? item.actor.name ?? t('activity.customer');
  return t(`activity.${item.type}`, { who, quote, to: item.details.to ?? '' });
}

/**
 * The bell in the top bar: the unread count of the feed, polled while the tab is visible, and the
 * feed itself in a panel, marked read when opened. A new item refreshes what it concerns (the
 * deal, its quotes and timeline, the board) and is announced once.
 */
export function ActivityBell() {
  const { t, locale } = useI18n();
  const client = useQueryClient();
  const toast = useToast();
  const feed = useActivity();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const seen = useRef<Set<string> | undefined>(undefined);
  const items = feed.data?.items ?? [];
  const unread = feed.data?.unread ?? 0;

  useEffect(() => {
    if (!feed.data) return;
    const known = seen.current;
    const fresh = known ? feed.data.items.filter((item) => !known.has(item.id)) : [];
    seen.current = new Set([...(known ?? []), ...feed.data.items.map((item) => item.id)]);
    if (fresh.length === 0) return;
    for (const dealId of new Set(fresh.map((item) => item.dealId))) {
      void client.invalidateQueries({ queryKey: keys.deal(dealId) });
      void client.invalidateQueries({ queryKey: keys.timeline(dealId) });
    }
    void client.invalidateQueries({ queryKey: ['quotes'] });
    void client.invalidateQueries({ queryKey: keys.deals });
    void client.invalidateQueries({ queryKey: keys.report });
    for (const item of fresh.slice(0, 3)) toast(activitySentence(item, t));
  }, [feed.data, client, toast, t]);

  const newest = items[0]?.at;
  useEffect(() => {
    if (!open || !newest || unread === 0) return;
    void markRead(newest).then((result) =>
      client.setQueryData(activityKey, (page: typeof feed.data) =>
        page ? { ...page, unread: result.unread } : page,
      ),
    );
  }, [open, newest, unread, client]);

  const label =
    unread > 0 ? t('activity.bellUnread', { count: unread > 99 ? '99+' : unread }) : t('activity.bell');
  return (
    <div className="bell">
      <button
        type="button"
        className="button button-quiet button-small bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={label}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="bell" />
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <section
        id={panelId}
        className="bell-panel"
        hidden={!open}
        aria-label={t('activity.title')}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        <h2>{t('activity.title')}</h2>
        {items.length === 0 && <p className="muted">{t('activity.empty')}</p>}
        <ol className="activity-list">
          {items.map((item) => (
            <li key={item.id} data-type={item.type} className={item.unread ? 'activity-unread' : undefined}>
              <Link to={`/deals/${item.dealId}`} onClick={() => setOpen(false)}>
                {activitySentence(item, t)}
              </Link>
              <span className="muted">
                {item.dealName} · <time dateTime={item.at}>{formatDateTime(item.at, locale)}</time>
                {item.unread && <span className="badge">{t('activity.unread')}</span>}
              </span>
              {item.details.message && <span className="activity-message">“{item.details.message}”</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
