import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { addWorkingDays } from '#domain/tasks';
import { call, users } from '#test/api';
import { rep } from '#test/fixtures';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('automatic follow-up', () => {
  it("gives a new deal's owner a follow-up task due in 2 working days, shown in the deal's creation event", async () => {
    // Arrange
    const owner = rep();
    // Act
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Acme renewal' } })).body;
    // Assert
    const tasks = await call('GET', '/tasks', { user: owner });
    expect(tasks.status).toBe(200);
    expect(tasks.body.items).toEqual([
      expect.objectContaining({
        dealId: deal.id,
        type: 'task',
        title: 'Follow up: Acme renewal',
        assigneeId: owner.id,
        status: 'open',
        followUp: true,
        createdBy: 'system',
        dueAt: addWorkingDays(deal.createdAt, 2),
        overdue: false,
      }),
    ]);
    const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
    expect(timeline.find((e: { type: string }) => e.type === 'deal.created').data.followUp).toMatchObject({
      taskId: tasks.body.items[0].id,
      dueAt: addWorkingDays(deal.createdAt, 2),
    });
  });

  it("follows the pipeline's followUpDays, and 0 means no task", async () => {
    const make = async (followUpDays: number) =>
      (
        await call('POST', '/pipelines', {
          user: users.maya,
          body: {
            name: `Follow-up ${followUpDays} ${ulid()}`,
            followUpDays,
            stages: [
              { name: 'Open', probability: 10, kind: 'open' },
              { name: 'Won', probability: 100, kind: 'won' },
              { name: 'Lost', probability: 0, kind: 'lost' },
            ],
          },
        })
      ).body;
    const five = await make(5);
    const none = await make(0);
    expect(five.followUpDays).toBe(5);
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Slow', pipelineId: five.id } }))
      .body;
    await call('POST', '/deals', { user: owner, body: { name: 'None', pipelineId: none.id } });
    const tasks = (await call('GET', '/tasks', { user: owner })).body.items;
    expect(tasks.map((t: { dealId: string; dueAt: string }) => [t.dealId, t.dueAt])).toEqual([
      [deal.id, addWorkingDays(deal.createdAt, 5)],
    ]);
  });

  it('defaults followUpDays to 2 on pipelines that do not say', async () => {
    const created = await call('POST', '/pipelines', {
      user: users.maya,
      body: {
        name: `Default follow-up ${ulid()}`,
        stages: [
          { name: 'Open', probability: 10, kind: 'open' },
          { name: 'Won', probability: 100, kind: 'won' },
          { name: 'Lost', probability: 0, kind: 'lost' },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.followUpDays).toBe(2);
  });
});

describe('POST /deals/{id}/tasks, PATCH /tasks/{id}', () => {
  it("adds a task, marks it done and reschedules it, each change in the deal's timeline", async () => {
    // Arrange
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Tasks' } })).body;
    // Act
    const created = await call('POST', `/deals/${deal.id}/tasks`, {
      user: owner,
      body: {
        type: 'call',
        title: 'Call Jeanne',
        dueAt: '2030-01-15T10:00:00+01:00',
        note: 'About the renewal',
      },
    });
    const moved = await call('PATCH', `/tasks/${created.body.id}`, {
      user: owner,
      body: { dueAt: '2030-01-16T09:00:00Z' },
    });
    const done = await call('PATCH', `/tasks/${created.body.id}`, { user: owner, body: { done: true } });
    // Assert
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'call',
      title: 'Call Jeanne',
      dueAt: '2030-01-15T09:00:00.000Z',
      assigneeId: owner.id,
      note: 'About the renewal',
      status: 'open',
      followUp: false,
      createdBy: owner.id,
      version: 1,
    });
    expect(moved.body).toMatchObject({ dueAt: '2030-01-16T09:00:00.000Z', version: 2 });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', version: 3, overdue: false });
    expect(done.body.doneAt).toBeDefined();
    const timeline = (await call('GET', `/deals/${deal.id}/timeline`, { user: owner })).body.items;
    expect(timeline.slice(0, 3).map((e: { type: string }) => e.type)).toEqual([
      'task.done',
      'task.updated',
      'task.created',
    ]);
    expect(timeline[1].data).toMatchObject({
      taskId: created.body.id,
      changes: [{ field: 'dueAt', from: '2030-01-15T09:00:00.000Z', to: '2030-01-16T09:00:00.000Z' }],
    });
    const open = (await call('GET', '/tasks', { user: owner })).body.items.map((t: { id: string }) => t.id);
    const closed = (await call('GET', '/tasks', { user: owner, query: { status: 'done' } })).body.items;
    expect(open).not.toContain(created.body.id);
    expect(closed.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
  });

  it('lets the assignee see and update a task on a deal they cannot see, and nobody else', async () => {
    // Arrange
    const owner = rep();
    const helper = rep('helper');
    const stranger = rep('stranger');
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Delegated' } })).body;
    const task = (
      await call('POST', `/deals/${deal.id}/tasks`, {
        user: owner,
        body: { type: 'email', title: 'Send the brochure', dueAt: inDays(3), assigneeId: helper.id },
      })
    ).body;
    // Act
    const mine = await call('GET', '/tasks', { user: helper });
    const byHelper = await call('PATCH', `/tasks/${task.id}`, { user: helper, body: { done: true } });
    const byStranger = await call('PATCH', `/tasks/${task.id}`, { user: stranger, body: { done: false } });
    const onDeal = await call('POST', `/deals/${deal.id}/tasks`, {
      user: stranger,
      body: { type: 'task', title: 'x', dueAt: inDays(1) },
    });
    // Assert
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect(byHelper.status).toBe(200);
    expect(byStranger.status).toBe(404);
    expect(onDeal.status).toBe(404);
    expect((await call('GET', `/deals/${deal.id}`, { user: helper })).status).toBe(404);
  });

  it('reassigns a task: it leaves the old list and joins the new one', async () => {
    const owner = rep();
    const other = rep('other');
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Handover' } })).body;
    const task = (
      await call('POST', `/deals/${deal.id}/tasks`, {
        user: owner,
        body: { type: 'meeting', title: 'Demo', dueAt: inDays(4) },
      })
    ).body;
    const res = await call('PATCH', `/tasks/${task.id}`, { user: owner, body: { assigneeId: other.id } });
    expect(res.body.assigneeId).toBe(other.id);
    const ownerTasks = (await call('GET', '/tasks', { user: owner })).body.items.map(
      (t: { id: string }) => t.id,
    );
    const otherTasks = (await call('GET', '/tasks', { user: other })).body.items.map(
      (t: { id: string }) => t.id,
    );
    expect(ownerTasks).not.toContain(task.id);
    expect(otherTasks).toEqual([task.id]);
  });

  it('refuses unknown tasks, empty patches and malformed due dates', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Checks' } })).body;
    expect((await call('PATCH', `/tasks/${ulid()}`, { user: owner, body: { done: true } })).status).toBe(404);
    const bad = await call('POST', `/deals/${deal.id}/tasks`, {
      user: owner,
      body: { type: 'visit', title: '', dueAt: 'tomorrow' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.dueAt',
      'body.title',
      'body.type',
    ]);
    const task = (await call('GET', '/tasks', { user: owner })).body.items[0];
    expect((await call('PATCH', `/tasks/${task.id}`, { user: owner, body: {} })).status).toBe(422);
  });
});

describe('GET /tasks', () => {
  it('lists my open tasks earliest first, flags overdue ones, filters by due date and pages', async () => {
    // Arrange
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Busy' } })).body;
    const add = (title: string, dueAt: string) =>
      call('POST', `/deals/${deal.id}/tasks`, { user: owner, body: { type: 'task', title, dueAt } });
    await add('late', inDays(-1));
    await add('soon', inDays(1));
    await add('later', inDays(30));
    // Act
    const all = (await call('GET', '/tasks', { user: owner, query: { assigneeId: 'me', status: 'open' } }))
      .body;
    const due = (await call('GET', '/tasks', { user: owner, query: { dueBefore: inDays(1.5) } })).body;
    const none = (await call('GET', '/tasks', { user: owner, query: { dueBefore: '2000-01-01' } })).body;
    const first = (await call('GET', '/tasks', { user: owner, query: { limit: '2' } })).body;
    const second = (
      await call('GET', '/tasks', { user: owner, query: { limit: '2', cursor: first.nextCursor } })
    ).body;
    // Assert: the follow-up (2 working days) sits between "soon" and "later".
    expect(all.items.map((t: { title: string }) => t.title)).toEqual([
      'late',
      'soon',
      'Follow up: Busy',
      'later',
    ]);
    expect(all.items.map((t: { overdue: boolean }) => t.overdue)).toEqual([true, false, false, false]);
    expect(due.items.map((t: { title: string }) => t.title)).toEqual(['late', 'soon']);
    expect(none.items).toEqual([]);
    expect([...first.items, ...second.items].map((t: { title: string }) => t.title)).toEqual(
      all.items.map((t: { title: string }) => t.title),
    );
    expect(second.nextCursor).toBeUndefined();
  });

  it("lets managers list anyone's tasks and refuses reps other people's", async () => {
    const owner = rep();
    await call('POST', '/deals', { user: owner, body: { name: 'Watched' } });
    const asManager = await call('GET', '/tasks', { user: users.maya, query: { assigneeId: owner.id } });
    expect(asManager.status).toBe(200);
    expect(asManager.body.items).toHaveLength(1);
    const asRep = await call('GET', '/tasks', { user: rep(), query: { assigneeId: owner.id } });
    expect(asRep.status).toBe(403);
  });
});

describe('GET /deals/{id}/tasks', () => {
  it("lists a deal's tasks, open and done, whoever they are assigned to, earliest due first", async () => {
    // Arrange: the follow-up, a task for someone else, a done one, and another deal's task
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Listed' } })).body;
    const other = (await call('POST', '/deals', { user: owner, body: { name: 'Other' } })).body;
    const add = (dealId: string, title: string, dueAt: string, assigneeId?: string) =>
      call('POST', `/deals/${dealId}/tasks`, {
        user: owner,
        body: { type: 'call', title, dueAt, ...(assigneeId ? { assigneeId } : {}) },
      });
    const soon = (await add(deal.id, 'Soon', inDays(1), 'someone-else')).body;
    const late = (await add(deal.id, 'Late', inDays(-1))).body;
    await add(other.id, 'Elsewhere', inDays(1));
    await call('PATCH', `/tasks/${soon.id}`, { user: owner, body: { done: true } });

    // Act
    const listed = await call('GET', `/deals/${deal.id}/tasks`, { user: owner });

    // Assert
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t: { title: string }) => t.title)).toEqual([
      'Late',
      'Soon',
      'Follow up: Listed',
    ]);
    expect(listed.body.items[0]).toMatchObject({ id: late.id, overdue: true, status: 'open' });
    expect(listed.body.items[1]).toMatchObject({ status: 'done', assigneeId: 'someone-else' });
    const paged = await call('GET', `/deals/${deal.id}/tasks`, { user: owner, query: { limit: '2' } });
    expect(paged.body.items).toHaveLength(2);
    const rest = await call('GET', `/deals/${deal.id}/tasks`, {
      user: owner,
      query: { limit: '2', cursor: paged.body.nextCursor },
    });
    expect(rest.body.items.map((t: { title: string }) => t.title)).toEqual(['Follow up: Listed']);
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('answers 404 to whoever may not see the deal, and lets a manager read it', async () => {
    const owner = rep();
    const deal = (await call('POST', '/deals', { user: owner, body: { name: 'Private' } })).body;
    expect((await call('GET', `/deals/${deal.id}/tasks`, { user: rep() })).status).toBe(404);
    const seen = await call('GET', `/deals/${deal.id}/tasks`, { user: users.maya });
    expect(seen.status).toBe(200);
    expect(seen.body.items).toHaveLength(1);
  });
});
