/**
 * The single table's keys: the only module that spells key strings. Everything else asks it.
 *
 * Base table: PK / SK. Global secondary indexes (all project every attribute):
 *   byOwner    GSI1PK / GSI1SK   OWNER#<userId> and OBSERVER#<userId> → deals (closeDate order);
 *                                TASKS#<status>#<userId> → a user's tasks (dueAt order)
 *   byPipeline GSI2PK / GSI2SK   PIPELINE#<pipelineId> → deals (closeDate order)
 *   byStage    GSI3PK / GSI3SK   STAGE#<pipelineId>#<stageId> → deals (closeDate order)
 *   byType     GSI4PK / GSI4SK   TYPE#<entity> → every item of an entity (collections, all deals)
 *   byAlias    GSI5PK / GSI5SK   a second way in by id (QUOTE#<id> → the quote under its deal);
 *                                DEALTASKS#<dealId> → a deal's tasks (dueAt order);
 *                                WORKLOG#<log> → the work of one log (a webhook's deliveries), by id
 *   byExpiry   GSI6PK / GSI6SK   sparse: quotes waiting for a customer, by the instant their validity
 *                                ends (`<ISO time>#<quote id>`; older items: `<validUntil>#<quote id>`)
 *   byDue      GSI7PK / GSI7SK   sparse: scheduled work (email deliveries) not done yet, by when it
 *                                is next due (`<ISO time>#<work id>`); in its own partition REMIND,
 *                                quotes whose next reminder is set, by when it is due
 */
export interface Key {
  PK: string;
  SK: string;
}

export const TABLE_KEYS = { partition: 'PK', sort: 'SK' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

export const INDEXES = {
  byOwner: { partition: 'GSI1PK', sort: 'GSI1SK' },
  byPipeline: { partition: 'GSI2PK', sort: 'GSI2SK' },
  byStage: { partition: 'GSI3PK', sort: 'GSI3SK' },
  byType: { partition: 'GSI4PK', sort: 'GSI4SK' },
  byAlias: { partition: 'GSI5PK', sort: 'GSI5SK' },
  byExpiry: { partition: 'GSI6PK', sort: 'GSI6SK' },
  byDue: { partition: 'GSI7PK', sort: 'GSI7SK' },
} as const;
export type IndexName = keyof typeof INDEXES;

export type Entity =
  | 'Pipeline'
  | 'Contact'
  | 'Company'
  | 'Product'
  | 'Deal'
  | 'DealObserver'
  | 'Event'
  | 'Settings'
  | 'Document'
  | 'Aggregate'
  | 'AggregateMarker'
  | 'ExternalId'
  | 'ImportLock'
  | 'Task'
  | 'Work'
  | 'LinkSeal'
  | 'Webhook'
  | 'SignerCode';

export type Collection = 'Pipeline' | 'Contact' | 'Company' | 'Product';

const collectionPrefix: Record<Collection, string> = {
  Pipeline: 'PIPELINE',
  Contact: 'CONTACT',
  Company: 'COMPANY',
  Product: 'PRODUCT',
};

export const keys = {
  /** Pipelines, contacts, companies, products: one item each, listed through byType in id order. */
  record(collection: Collection, id: string): Key {
    const prefix = collectionPrefix[collection];
    return { PK: `${prefix}#${id}`, SK: prefix };
  },
  recordIndex(collection: Collection, id: string) {
    return { GSI4PK: `TYPE#${collection}`, GSI4SK: id };
  },
  collectionPartition(collection: Collection): string {
    return `TYPE#${collection}`;
  },

  /** Settings singleton (the default pipeline's id, ...). */
  settings(): Key {
    return { PK: 'SETTINGS', SK: 'SETTINGS' };
  },

  deal(id: string): Key {
    return { PK: `DEAL#${id}`, SK: 'DEAL' };
  },
  /** The sort value every deal index shares: close date, then id for uniqueness. */
  dealSort(closeDate: string, id: string): string {
    return `${closeDate}#${id}`;
  },
  dealIndexes(deal: { id: string; ownerId: string; pipelineId: string; stageId: string; closeDate: string }) {
    const sort = keys.dealSort(deal.closeDate, deal.id);
    return {
      GSI1PK: keys.ownerPartition(deal.ownerId),
      GSI1SK: sort,
      GSI2PK: keys.pipelinePartition(deal.pipelineId),
      GSI2SK: sort,
      GSI3PK: keys.stagePartition(deal.pipelineId, deal.stageId),
      GSI3SK: sort,
      GSI4PK: keys.collectionPartitionOfDeals(),
      GSI4SK: sort,
    };
  },
  ownerPartition: (userId: string) => `OWNER#${userId}`,
  observerPartition: (userId: string) => `OBSERVER#${userId}`,
  pipelinePartition: (pipelineId: string) => `PIPELINE#${pipelineId}`,
  stagePartition: (pipelineId: string, stageId: string) => `STAGE#${pipelineId}#${stageId}`,
  collectionPartitionOfDeals: () => 'TYPE#Deal',

  /** One item per observer of a deal, so a rep finds the deals they observe through byOwner. */
  dealObserver(dealId: string, userId: string): Key {
    return { PK: `DEAL#${dealId}`, SK: `OBSERVER#${userId}` };
  },
  dealObserverIndex(dealId: string, userId: string, closeDate: string) {
    return { GSI1PK: keys.observerPartition(userId), GSI1SK: keys.dealSort(closeDate, dealId) };
  },

  /** Events live under their deal, sorted by time (ULIDs sort by creation time). */
  event(dealId: string, eventId: string): Key {
    return { PK: `DEAL#${dealId}`, SK: `EVENT#${eventId}` };
  },
  eventPrefix: () => 'EVENT#',

  /** Quotes live under their deal; byAlias finds one by its id alone. */
  quote(dealId: string, quoteId: string): Key {
    return { PK: `DEAL#${dealId}`, SK: `QUOTE#${quoteId}` };
  },
  quoteAlias(quoteId: string) {
    return { GSI5PK: keys.quoteAliasPartition(quoteId), GSI5SK: 'QUOTE' };
  },
  quoteAliasPartition: (quoteId: string) => `QUOTE#${quoteId}`,
  quotePrefix: () => 'QUOTE#',
  /** Sparse: only quotes waiting for the customer carry it, sorted by the end of their validity. */
  quoteExpiry(endsAt: string, quoteId: string) {
    return { GSI6PK: keys.expiryPartition(), GSI6SK: `${endsAt}#${quoteId}` };
  },
  /**
   * Sparse: a quote whose next automatic reminder is set, by when it is due. It shares the byDue
   * index with scheduled work (one scheduler queries both) in a partition of its own.
   */
  quoteReminder(at: string, quoteId: string) {
    return { GSI7PK: keys.reminderPartition(), GSI7SK: keys.dueSort(at, quoteId) };
  },
  reminderPartition: () => 'REMIND',
  expiryPartition: () => 'EXPIRY',

  /** A capability link: the SHA-256 of the token, never the token. */
  link(tokenHash: string): Key {
    return { PK: `LINK#${tokenHash}`, SK: 'LINK' };
  },

  /**
   * A document Closer issued (a quote's stored PDF or its sealed signed copy), by the SHA-256 of
   * its bytes: `GET /verify/{sha256}` is one GetItem on it.
   */
  document(sha256: string): Key {
    return { PK: `DOC#${sha256}`, SK: 'DOC' };
  },

  /**
   * The sealed token of a quote's link (sealed with the link key), kept while the quote waits for
   * the customer so the rep can resend the same link; deleted when the quote becomes final.
   */
  linkSeal(dealId: string, quoteId: string): Key {
    return { PK: `DEAL#${dealId}`, SK: `LINKSEAL#${quoteId}` };
  },

  /** The one-time code a quote's signer asked for (only its hash), kept under the deal. */
  signerCode(dealId: string, quoteId: string): Key {
    return { PK: `DEAL#${dealId}`, SK: `CODE#${quoteId}` };
  },

  /**
   * Scheduled work (email deliveries now; reminders and webhooks later): one item each, found by id
   * or, while pending, through the sparse byDue index in the order it falls due.
   */
  work(id: string): Key {
    return { PK: `WORK#${id}`, SK: 'WORK' };
  },
  workDue(at: string, id: string) {
    return { GSI7PK: keys.duePartition(), GSI7SK: keys.dueSort(at, id) };
  },
  dueSort: (at: string, id: string) => `${at}#${id}`,
  duePartition: () => 'DUE',
  /** Work that belongs to a log (a webhook endpoint's deliveries), listed by work id. */
  workLog(log: string, id: string) {
    return { GSI5PK: keys.workLogPartition(log), GSI5SK: id };
  },
  workLogPartition: (log: string) => `WORKLOG#${log}`,

  /** A webhook endpoint: its own item, all of them listed through byType in id order. */
  webhook(id: string): Key {
    return { PK: `WEBHOOK#${id}`, SK: 'WEBHOOK' };
  },
  webhookIndex(id: string) {
    return { GSI4PK: keys.webhookPartition(), GSI4SK: id };
  },
  webhookPartition: () => 'TYPE#Webhook',

  /** Atomic counters (quote numbers per year). */
  counter(name: string): Key {
    return { PK: `COUNTER#${name}`, SK: 'COUNTER' };
  },

  /** What we know of a user from their token (name, email), for notices. */
  user(userId: string): Key {
    return { PK: `USER#${userId}`, SK: 'USER' };
  },
  observerPrefix: () => 'OBSERVER#',
  dealPartition: (dealId: string) => `DEAL#${dealId}`,

  /**
   * Report aggregates (functions/aggregate): one item per bucket, counts and sums kept by ADD.
   * `scope` is one owner's numbers or everyone's. Partitions are bounded by stages, months,
   * currencies and reps, never by deals, so a report is a bounded number of queries.
   */
  aggregateScope: (ownerId: string | undefined) => (ownerId === undefined ? 'ALL' : `OWNER#${ownerId}`),
  /** Deals per stage of a pipeline (sort: stage, currency). */
  stageAggregatePartition: (pipelineId: string, scope: string) => `AGG#STAGE#${pipelineId}#${scope}`,
  stageAggregate(pipelineId: string, scope: string, stageId: string, currency: string): Key {
    return { PK: keys.stageAggregatePartition(pipelineId, scope), SK: `${stageId}#${currency}` };
  },
  /** Deals per month: open ones by close date, won and lost ones by closing date (sort: month first). */
  monthAggregatePartition: (scope: string) => `AGG#MONTH#${scope}`,
  monthAggregate(scope: string, month: string, status: string, currency: string): Key {
    return { PK: keys.monthAggregatePartition(scope), SK: `${month}#${status}#${currency}` };
  },
  /** Won and lost deals per rep per closing month, every rep in one partition (sort: month first). */
  repAggregatePartition: () => 'AGG#REPS',
  repAggregate(month: string, ownerId: string, status: string, currency: string): Key {
    return { PK: keys.repAggregatePartition(), SK: `${month}#${status}#${currency}#${ownerId}` };
  },
  /** Open deals per rep right now (sort: owner). */
  openAggregatePartition: () => 'AGG#OPEN',
  openAggregate(ownerId: string, currency: string): Key {
    return { PK: keys.openAggregatePartition(), SK: `${currency}#${ownerId}` };
  },
  /** Lost deals per loss reason per closing month (sort: month first). */
  lossAggregatePartition: (scope: string) => `AGG#LOSS#${scope}`,
  lossAggregate(scope: string, month: string, currency: string, reason: string): Key {
    return { PK: keys.lossAggregatePartition(scope), SK: `${month}#${currency}#${reason}` };
  },
  /** Sort-key bounds of the months `from`..`to` (YYYY-MM) in a month-first partition. */
  monthRange: (from: string, to: string) => ({ lo: `${from}#`, hi: `${to}#\uffff` }),
  /** What the aggregates last applied of a deal (its version and buckets): the idempotency marker. */
  aggregateMarker(dealId: string): Key {
    return { PK: `AGG#DEAL#${dealId}`, SK: 'APPLIED' };
  },

  /** An import's external id → the deal it created (written before the deal: see services/imports). */
  externalId(externalId: string): Key {
    return { PK: `EXTERNAL#${externalId}`, SK: 'EXTERNAL' };
  },
  /** The one lease that lets a single import write at a time. */
  importLock(): Key {
    return { PK: 'IMPORT#LOCK', SK: 'IMPORT#LOCK' };
  },

  /** A follow-up task: its own item (read by id), listed per assignee and status by due date. */
  task(taskId: string): Key {
    return { PK: `TASK#${taskId}`, SK: 'TASK' };
  },
  taskAssigneeIndex(assigneeId: string, status: string, dueAt: string, taskId: string) {
    return { GSI1PK: keys.taskAssigneePartition(assigneeId, status), GSI1SK: `${dueAt}#${taskId}` };
  },
  taskAssigneePartition: (assigneeId: string, status: string) => `TASKS#${status}#${assigneeId}`,

  /**
   * The reps' activity feed: one copy of each feed event per reader partition, newest last by
   * `<at>#<eventId>`. A rep's partition holds the events of the deals they own or observe; managers
   * read the one partition that holds every event.
   */
  feedPartition: (reader: { userId: string } | 'managers') =>
    reader === 'managers' ? 'FEED#ALL' : `FEED#USER#${reader.userId}`,
  feedItem(partition: string, at: string, eventId: string): Key {
    return { PK: partition, SK: keys.feedSort(at, eventId) };
  },
  feedSort: (at: string, eventId: string) => `${at}#${eventId}`,
  /** Where a user has read their feed up to (a feed sort value). */
  feedRead(userId: string): Key {
    return { PK: `FEEDREAD#${userId}`, SK: 'FEEDREAD' };
  },
  /** A deal's tasks, open and done, by due date: the deal page's list. */
  taskDealIndex(dealId: string, dueAt: string, taskId: string) {
    return { GSI5PK: keys.taskDealPartition(dealId), GSI5SK: `${dueAt}#${taskId}` };
  },
  taskDealPartition: (dealId: string) => `DEALTASKS#${dealId}`,
};

/** The table definition shared by the local runner, the tests and the CDK stack. */
export const tableDefinition = {
  partitionKey: TABLE_KEYS.partition,
  sortKey: TABLE_KEYS.sort,
  indexes: Object.entries(INDEXES).map(([name, k]) => ({ name: name as IndexName, ...k })),
  ttlAttribute: TTL_ATTRIBUTE,
};
