import { useState } from 'react';
import { TaskItem } from '../../../components/task-item.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { ApiError, type Deal } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import {
  localDay,
  localMoment,
  TASK_TYPES,
  type Task,
  useCreateTask,
  useDealTasks,
  useSetTaskDone,
} from '../../../lib/tasks.ts';
import { useUser } from '../../../lib/use-session.ts';

/** The deal's tasks (its automatic follow-up among them), open first, and a form to add one. */
export function DealTasks({ deal }: { deal: Deal }) {
  const { t } = useI18n();
  const toast = useToast();
  const pages = useDealTasks(deal.id);
  const setDone = useSetTaskDone();
  const [adding, setAdding] = useState(false);
  const tasks = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const open = tasks.filter((task) => task.status === 'open');
  const done = tasks.filter((task) => task.status === 'done');
  const toggle = (task: Task, isDone: boolean) =>
    setDone.mutate(
      { task, done: isDone },
      {
        onSuccess: () => toast(t(isDone ? 'tasks.doneToast' : 'tasks.reopenedToast', { title: task.title })),
        onError: (error) => toast(errorMessage(error, t), 'error'),
      },
    );
  const item = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      showAssignee
      busy={setDone.isPending && setDone.variables?.task.id === task.id}
      onToggle={(isDone) => toggle(task, isDone)}
    />
  );
  return (
    <section className="panel deal-tasks" aria-labelledby="deal-tasks">
      <div className="panel-head">
        <h2 id="deal-tasks">{t('tasks.ofDeal')}</h2>
        {!adding && (
          <button type="button" className="button button-small" onClick={() => setAdding(true)}>
            {t('tasks.new')}
          </button>
        )}
      </div>
      {adding && <TaskForm deal={deal} onDone={() => setAdding(false)} />}
      {pages.error && <ErrorState error={pages.error} retry={() => void pages.refetch()} />}
      {pages.isPending && <Loading />}
      {!pages.isPending && open.length === 0 && <p className="muted">{t('tasks.noneOpen')}</p>}
      <ul className="task-list">{open.map(item)}</ul>
      {done.length > 0 && (
        <details className="tasks-done">
          <summary>{t('tasks.doneCount', { count: done.length })}</summary>
          <ul className="task-list">{done.map(item)}</ul>
        </details>
      )}
      <LoadMore pages={pages} />
    </section>
  );
}

function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return localDay(d);
}

/** Type, title, due date and time (the browser's time zone), assignee (default: me). */
function TaskForm({ deal, onDone }: { deal: Deal; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const user = useUser();
  const create = useCreateTask(deal.id);
  const [form, setForm] = useState({
    type: 'call' as Task['type'],
    title: '',
    date: tomorrow(),
    time: '09:00',
    assigneeId: user.id,
  });
  const problems = create.error instanceof ApiError ? create.error.problems : [];
  const problem = (field: string) => problems.find((p) => p.path === `body.${field}`)?.message;
  const people = [...new Set([user.id, deal.ownerId, ...deal.observerIds])];
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (!form.title.trim() || !form.date) return;
    create.mutate(
      {
        type: form.type,
        title: form.title.trim(),
        dueAt: localMoment(form.date, form.time),
        ...(form.assigneeId.trim() ? { assigneeId: form.assigneeId.trim() } : {}),
      },
      {
        onSuccess: (task) => {
          toast(t('tasks.created', { title: task.title }));
          onDone();
        },
        // What was typed stays in the form.
        onError: (error) => toast(errorMessage(error, t), 'error'),
      },
    );
  };
  return (
    <form className="task-form" onSubmit={submit} aria-label={t('tasks.new')}>
      <Field label={t('tasks.typeLabel')} error={problem('type')}>
        {(props) => (
          <select
            {...props}
            value={form.type}
            onChange={(e) => set({ type: e.target.value as Task['type'] })}
          >
            {TASK_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`tasks.type.${type}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('tasks.titleLabel')} error={problem('title')} className="span-all">
        {(props) => (
          <input
            {...props}
            required
            maxLength={200}
            value={form.title}
            onChange={(e) => set({ title: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('tasks.dueDate')} error={problem('dueAt')}>
        {(props) => (
          <input
            {...props}
            type="date"
            required
            value={form.date}
            onChange={(e) => set({ date: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('tasks.dueTime')}>
        {(props) => (
          <input {...props} type="time" value={form.time} onChange={(e) => set({ time: e.target.value })} />
        )}
      </Field>
      <Field label={t('tasks.assignee')} error={problem('assigneeId')} hint={t('tasks.assigneeHint')}>
        {(props) => (
          <>
            <input
              {...props}
              list={`${deal.id}-people`}
              value={form.assigneeId}
              onChange={(e) => set({ assigneeId: e.target.value })}
            />
            <datalist id={`${deal.id}-people`}>
              {people.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <div className="actions span-all">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? t('common.saving') : t('tasks.add')}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
