import type { ReactNode } from 'react';
import { formatDateTime } from '../lib/format.ts';
import { useI18n } from '../lib/i18n.tsx';
import type { Task } from '../lib/tasks.ts';

/**
 * One task: a one-click "done" toggle, the title, its type, when it is due and for whom. `extra`
 * holds what the screen adds (the deal's link on My tasks).
 */
export function TaskItem({
  task,
  onToggle,
  busy,
  extra,
  showAssignee = false,
}: {
  task: Task;
  onToggle: (done: boolean) => void;
  busy: boolean;
  extra?: ReactNode;
  showAssignee?: boolean;
}) {
  const { t, locale } = useI18n();
  const done = task.status === 'done';
  return (
    <li
      className={`task${done ? ' task-done' : ''}${task.overdue ? ' task-overdue' : ''}`}
      data-task={task.id}
    >
      <button
        type="button"
        className="task-toggle"
        aria-pressed={done}
        disabled={busy}
        onClick={() => onToggle(!done)}
        aria-label={
          done ? t('tasks.reopen', { title: task.title }) : t('tasks.complete', { title: task.title })
        }
      >
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <rect x="3" y="3" width="18" height="18" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
          {done && <path d="M7 12l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2.5" />}
        </svg>
      </button>
      <div className="task-body">
        <p className="task-title">{task.title}</p>
        <p className="task-meta">
          <span className="badge">{t(`tasks.type.${task.type}`)}</span>
          <span>
            {t('tasks.due')} <time dateTime={task.dueAt}>{formatDateTime(task.dueAt, locale)}</time>
          </span>
          {task.overdue && <span className="late">{t('tasks.overdue')}</span>}
          {task.followUp && <span className="muted">{t('tasks.automatic')}</span>}
          {showAssignee && (
            <span>
              {t('tasks.assignee')}: {task.assigneeId}
            </span>
          )}
          {extra}
        </p>
        {task.note && <p className="task-note">{task.note}</p>}
      </div>
    </li>
  );
}
