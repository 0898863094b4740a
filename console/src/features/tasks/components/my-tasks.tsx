import { useQueries } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { TaskItem } from '../../../components/task-item.tsx';
import { LoadMore } from '../../../components/ui/load-more.tsx';
import { Empty, ErrorState, errorMessage, Loading } from '../../../components/ui/states.tsx';
import { useToast } from '../../../components/ui/toast.tsx';
import { api, unwrap } from '../../../lib/api-client.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { keys } from '../../../lib/queries.ts';
import { type Task, type TaskGroup, taskGroup, useMyOpenTasks, useSetTaskDone } from '../../../lib/tasks.ts';

const GROUPS: TaskGroup[] = ['overdue', 'today', 'upcoming'];

/** Now, moving on every minute: a task due at 10:00 turns overdue at 10:00 without a reload. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "My tasks": my open tasks in three groups, each done in one click. */
export function MyTasksScreen() {
  const { t } = useI18n();
  const toast = useToast();
  const now = useNow();
  const pages = useMyOpenTasks();
  const setDone = useSetTaskDone();
  const tasks = pages.data?.pages.flatMap((p) => p.items) ?? [];
  // The deals' names (cached with the deal page's own query); a deal I cannot see shows as "Deal".
  const dealIds = [...new Set(tasks.map((task) => task.dealId))];
  const deals = useQueries({
    queries: dealIds.map((id) => ({
      queryKey: keys.deal(id),
      queryFn: () => unwrap(api.GET('/deals/{id}', { params: { path: { id } } })),
      retry: false,
    })),
  });
  const dealName = new Map(dealIds.map((id, i) => [id, deals[i]?.data?.name]));
  const grouped = new Map<TaskGroup, Task[]>(GROUPS.map((g) => [g, []]));
  for (const task of tasks) grouped.get(taskGroup(task, now))?.push(task);

  const complete = (task: Task, done: boolean) =>
    setDone.mutate(
      { task, done },
      {
        onSuccess: () => toast(t(done ? 'tasks.doneToast' : 'tasks.reopenedToast', { title: task.title })),
        onError: (error) => toast(errorMessage(error, t), 'error'),
      },
    );

  return (
    <div className="tasks-screen">
      <header className="page-head">
        <h1>{t('tasks.title')}</h1>
      </header>
      <p className="hint">{t('tasks.hint')}</p>
      {pages.error && <ErrorState error={pages.error} retry={() => void pages.refetch()} />}
      {pages.isPending && <Loading />}
      {!pages.isPending && !pages.error && tasks.length === 0 && <Empty>{t('tasks.none')}</Empty>}
      {tasks.length > 0 &&
        GROUPS.map((group) => {
          const list = grouped.get(group) ?? [];
          return (
            <section
              key={group}
              className={`panel task-group task-group-${group}`}
              aria-labelledby={`tasks-${group}`}
            >
              <h2 id={`tasks-${group}`}>
                {t(`tasks.group.${group}`)} <span className="badge">{list.length}</span>
              </h2>
              {list.length === 0 ? (
                <p className="muted">{t(`tasks.groupEmpty.${group}`)}</p>
              ) : (
                <ul className="task-list">
                  {list.map((task) => (
                    <TaskItem
                      key={task.id}
                      task={task}
                      busy={setDone.isPending && setDone.variables?.task.id === task.id}
                      onToggle={(done) => complete(task, done)}
                      extra={
                        <Link to={`/deals/${task.dealId}`}>
                          {dealName.get(task.dealId) ?? t('tasks.deal')}
                        </Link>
                      }
                    />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      <LoadMore pages={pages} />
    </div>
  );
}
