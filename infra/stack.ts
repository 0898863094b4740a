import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BACKLOG_METRICS, METRICS_NAMESPACE, METRICS_SERVICE, WEBHOOK_METRICS } from '#contracts/metrics';
import { type FunctionName, routes } from '#contracts/routes';
import { STREAM_MAPPINGS, type StreamConsumer } from '#contracts/stream-mapping';
import { AGGREGATE_ENTITY, OUTBOX_ENTITY } from '#contracts/streams';
import { Alarms } from './constructs/alarms.ts';
import { CloserHttpApi } from './constructs/api.ts';
import { CONSOLE_PATH, ConsoleHosting } from './constructs/console.ts';
import { CloserFunction } from './constructs/function.ts';
import { Mail } from './constructs/mail.ts';
import { CloserTable, type TableAccess } from './constructs/table.ts';
import { RepDirectory } from './constructs/users.ts';
import type { CloserContext } from './context.ts';

/** Functions that no route serves: the stream consumers and a scheduled job. */
export type BackgroundFunctionName = 'notify' | 'expire' | 'aggregate' | 'deliver';
export type CloserFunctionName = FunctionName | BackgroundFunctionName;

export interface FunctionPlan {
  description: string;
  memorySize: number;
  timeout: Duration;
  table: TableAccess;
  /** Renders HTML, PDF or email: ships templates/ and reads TEMPLATES_DIR. */
  templates: boolean;
  /** Seals or unseals link tokens in the outbox: reads the link key secret (LINK_KEY_SECRET_ARN). */
  linkKey: boolean;
}

/**
 * What each function gets. Keyed by every function name, so a new `fn` in the route table does not
 * compile until it has a plan here. HTTP timeouts stay under API Gateway's 30 s integration limit.
 */
export const functionPlans: Record<CloserFunctionName, FunctionPlan> = {
  api: {
    // Renders nothing (the builder's previews are documents' routes); templates/ for the template list.
    description: 'Closer rep API (JSON)',
    // As pages: CPU, not room (peak RSS 69 MB); a rep's request takes about 0.6× its time at 512 MB.
    memorySize: 1024,
    timeout: Duration.seconds(10),
    table: 'RW',
    templates: true,
    // Resending a quote unseals its kept link token and seals it into quote.resent; webhook secrets
    // are sealed with it too.
    linkKey: true,
  },
  pages: {
    // Signing writes the signature; the sealed copy is built by notify (no PDF or seal code here).
    description: 'Closer public quote pages and customer actions',
    // Memory buys CPU here, not room (peak RSS 77 MB): at 1,024 MB a view or a signature takes about
    // 0.6× its time at 512 MB, for $0.001 more per 1,000 quotes (bench/README.md, "Memory").
    memorySize: 1024,
    timeout: Duration.seconds(10),
    table: 'RW',
    templates: true,
    // Signing seals the customer's token into quote.signed, so notify can link the signed copy.
    linkKey: true,
  },
  documents: {
    // PDF layout is CPU-bound and Lambda's CPU share grows with memory. Sending a quote hashes its
    // PDF, writes the sent status and seals the link token into the outbox event.
    description: 'Closer PDF rendering and quote sending',
    memorySize: 1024,
    timeout: Duration.seconds(29),
    table: 'RW',
    templates: true,
    linkKey: true,
  },
  verify: {
    // Answers from the document lookup, the quote and its events: read-only, no PDF code.
    description: 'Closer public verification of issued documents',
    memorySize: 512,
    timeout: Duration.seconds(10),
    table: 'RO',
    templates: true,
    linkKey: false,
  },
  bulk: {
    // A 10,000-row import validates every row, then writes about 1,200 batch writes (new deals) or
    // 400 transactions (updates): it needs the time API Gateway allows (29 s) and memory for the
    // file and its plan.
    description: 'Closer CSV export and import of deals',
    memorySize: 1024,
    timeout: Duration.seconds(29),
    table: 'RW',
    templates: false,
    linkKey: false,
  },
  notify: {
    // Seals the signed copy (PDF work, a KMS signature) on quote.signed and attaches the stored PDFs.
    description: 'Closer outbox consumer: sends the emails and webhooks of new events',
    memorySize: 1024,
    timeout: Duration.seconds(60),
    table: 'RW',
    templates: true,
    linkKey: true,
  },
  expire: {
    description: 'Closer scheduled job: expires quotes past their validUntil',
    memorySize: 256,
    timeout: Duration.seconds(60),
    table: 'RW',
    templates: false,
    linkKey: false,
  },
  deliver: {
    // Retries email deliveries (seals a signed copy still missing, like notify). Its runs stop taking new
    // work after 45 s, within the timeout.
    description: 'Closer scheduled job: delivers the emails and webhooks that are due (retries)',
    memorySize: 1024,
    timeout: Duration.seconds(60),
    table: 'RW',
    templates: true,
    linkKey: true,
  },
  aggregate: {
    description: 'Closer report aggregates: applies deal changes from the table stream',
    memorySize: 512,
    timeout: Duration.seconds(60),
    table: 'RW',
    templates: false,
    linkKey: false,
  },
};

/**
 * Functions outside the route table, built and wired by the stack: notify (the outbox stream
 * consumer), expire (the schedule) and aggregate (the reports' stream consumer). A new one gets a
 * plan above, a wiring method below and its name here.
 */
export const backgroundFunctions: readonly BackgroundFunctionName[] = [
  'notify',
  'expire',
  'aggregate',
  'deliver',
];

/** The functions the route table names, in first-route order. */
export function httpFunctionNames(): FunctionName[] {
  return [...new Set(routes.map((r) => r.fn))];
}

/** Every function the stack builds: the route table's, then the background ones. */
export function stackFunctionNames(): CloserFunctionName[] {
  return [...httpFunctionNames(), ...backgroundFunctions];
}

/**
 * The stream filter of notify: new events of the log (outbox events call for emails, any event may
 * call for webhook deliveries; `isNotifyRecord` in contracts/streams.ts). Updates and deletes, and
 * inserts of any other entity, never invoke (or bill) the function.
 */
export function outboxFilter(): { [key: string]: unknown } {
  return FilterCriteria.filter({
    eventName: FilterRule.isEqual('INSERT'),
    dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(OUTBOX_ENTITY) } } },
  });
}

/**
 * The stream filters of aggregate: any write to a deal item. Inserts and updates carry the entity in
 * the new image, deletions in the old one; the two patterns are OR-ed. Nothing else (events,
 * quotes, the aggregates' own writes) invokes the function.
 */
export function aggregateFilters(): { [key: string]: unknown }[] {
  return [
    FilterCriteria.filter({
      eventName: FilterRule.or('INSERT', 'MODIFY'),
      dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(AGGREGATE_ENTITY) } } },
    }),
    FilterCriteria.filter({
      eventName: FilterRule.isEqual('REMOVE'),
      dynamodb: { OldImage: { entity: { S: FilterRule.isEqual(AGGREGATE_ENTITY) } } },
    }),
  ];
}

export interface CloserStackProps extends StackProps {
  context: CloserContext;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Closer in one stack: the table, the reps' user pool, the HTTP API built from the route table
 * with one Lambda per function, SES sending, and alarms.
 */
export class CloserStack extends Stack {
  readonly data: CloserTable;
  readonly users: RepDirectory;
  readonly http: CloserHttpApi;
  /** The reps' console: S3 + CloudFront, signing in through Cognito's managed login. */
  readonly console: ConsoleHosting;
  readonly mail: Mail;
  readonly alarms: Alarms;
  /** Seals link tokens while they wait in the outbox (functions/config/link-key.ts). */
  readonly linkKey: Secret;
  /** The exact PDFs: each quote as sent and each sealed signed copy, under their SHA-256. */
  readonly documents: Bucket;
  /** The seal's private key (RSA 2048, sign/verify): it never leaves KMS. */
  readonly sealKey: Key;
  readonly functions = new Map<CloserFunctionName, CloserFunction>();
  private readonly settings: CloserContext;
  /** Where the functions publish their metrics (Closer/<stack name>); the alarms read it. */
  private get metricsNamespace(): string {
    return `${METRICS_NAMESPACE}/${this.stackName}`;
  }

  constructor(scope: Construct, id: string, props: CloserStackProps) {
    super(scope, id, { description: 'Closer: deals and quotes', ...props });
    const context = props.context;
    this.settings = context;

    this.data = new CloserTable(this, 'Data');
    // The console's distribution first: the user pool needs its URL for the sign-in callbacks and
    // the API its origin for CORS. Its CSP names origin patterns, not these resources, so nothing
    // here depends on the API or the pool (no cycle).
    this.console = new ConsoleHosting(this, 'Console', {
      connectOrigins: [
        `https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
        `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`,
        `https://*.auth.${Aws.REGION}.amazoncognito.com`,
        ...(context.domainName ? [`https://${context.domainName}`] : []),
      ],
      logRetention: context.logRetentionDays,
    });
    this.users = new RepDirectory(this, 'Users', {
      console: {
        callbackUrl: `${this.console.url}callback`,
        signOutUrl: `${this.console.url}sign-in`,
        domainPrefix:
          context.loginDomainPrefix ?? `closer-${context.stackName.toLowerCase()}-${Aws.ACCOUNT_ID}`,
      },
    });
    this.mail = new Mail(this, 'Mail', {
      senderEmail: context.senderEmail,
      senderDomain: context.senderDomain,
    });
    this.alarms = new Alarms(this, 'Alarms', { email: context.alarmEmail });
    this.linkKey = new Secret(this, 'LinkKey', {
      description: 'Closer: key that seals quote link tokens in the outbox',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.linkKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only seals tokens for the seconds to hours they wait in the outbox; rotating it while emails are pending would make their links unreadable, so it is rotated by hand (put-secret-value) when the notify queue is empty.',
    });
    this.documents = new Bucket(this, 'Documents', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Evidence outlives the stack; lifecycle rules are left to ops (README).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.documents).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are written once under their SHA-256 and never deleted by any function (no s3:DeleteObject grant); every access goes through the functions, whose calls CloudTrail records. Ops can turn server access logs on when they need them.',
    });
    this.sealKey = new Key(this, 'SealKey', {
      description: 'Closer: seals signed quote copies (PAdES); the private key never leaves KMS',
      keySpec: KeySpec.RSA_2048,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.http = new CloserHttpApi(this, 'Api', {
      jwtIssuer: this.users.issuerUrl,
      jwtAudience: this.users.client.userPoolClientId,
      throttle: { rateLimit: context.apiRateLimit, burstLimit: context.apiBurstLimit },
      publicThrottle: { rateLimit: context.publicRateLimit, burstLimit: context.publicBurstLimit },
      logRetention: context.logRetentionDays,
      corsOrigins: [this.console.origin],
      domain:
        context.domainName && context.certificateArn
          ? { domainName: context.domainName, certificateArn: context.certificateArn }
          : undefined,
    });
    this.alarms.onServerErrorRate('Api5xxRate', this.http.stage);

    for (const name of httpFunctionNames()) this.addFunction(name);
    this.http.addRoutes(routes, (name) => this.functionNamed(name));
    this.wireEvidence();
    // The signer's one-time code is emailed by pages at once (the customer waits for it).
    this.mailer(this.functionNamed('pages'));

    const sealers: CloserFunction[] = [];
    for (const name of backgroundFunctions) {
      const fn = this.addFunction(name);
      if (name === 'notify') {
        this.wireNotify(fn);
        sealers.push(fn);
      } else if (name === 'aggregate') this.wireAggregate(fn);
      else if (name === 'deliver') {
        this.wireDeliver(fn);
        sealers.push(fn);
      } else this.wireExpire(fn);
    }
    this.wireSeal(sealers);

    this.console.deploy({
      auth: {
        mode: 'cognito',
        authority: this.users.issuerUrl,
        clientId: this.users.client.userPoolClientId,
        domain: this.users.loginDomain.baseUrl(),
        scope: 'openid email profile',
      },
      apiUrl: this.http.publicBaseUrl,
    });

    new CfnOutput(this, 'ConsoleUrl', { description: "The reps' console", value: this.console.url });
    new CfnOutput(this, 'LoginDomain', {
      description: "Cognito's managed sign-in pages used by the console",
      value: this.users.loginDomain.baseUrl(),
    });
    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the API', value: this.http.url });
    new CfnOutput(this, 'PublicBaseUrl', {
      description: 'Base URL of the quote links sent to customers',
      value: this.http.publicBaseUrl,
    });
    new CfnOutput(this, 'UserPoolId', { value: this.users.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', {
      description: 'App client id: the audience of the ID tokens the API accepts',
      value: this.users.client.userPoolClientId,
    });
    new CfnOutput(this, 'TableName', { value: this.data.tableName });
    new CfnOutput(this, 'DocumentsBucket', { value: this.documents.bucketName });
    new CfnOutput(this, 'SealKeyArn', { value: this.sealKey.keyArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    if (this.http.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        description: `Point ${this.http.domainName.name} here (CNAME, or an alias A record with hosted zone ${this.http.domainName.regionalHostedZoneId})`,
        value: this.http.domainName.regionalDomainName,
      });
    }
  }

  /**
   * Builds a function from its plan (entry functions/<name>/handler.ts unless `entry` is given),
   * with table access, the shared environment and an error alarm.
   */
  addFunction(name: CloserFunctionName, options: { entry?: string } = {}): CloserFunction {
    if (this.functions.has(name)) throw new Error(`function ${name} is already in the stack`);
    const plan = functionPlans[name];
    const fn = new CloserFunction(this, `${pascal(name)}Function`, {
      name,
      entry: options.entry,
      description: plan.description,
      memorySize: plan.memorySize,
      timeout: plan.timeout,
      logRetention: this.settings.logRetentionDays,
      logLevel: this.settings.logLevel,
      bundleAwsSdk: this.settings.bundleAwsSdk,
      shipTemplates: plan.templates,
      environment: {
        TABLE_NAME: this.data.tableName,
        PUBLIC_BASE_URL: this.http.publicBaseUrl,
        DEFAULT_CURRENCY: this.settings.defaultCurrency,
        DEFAULT_LOCALE: this.settings.defaultLocale,
        // One namespace per stack, so two stacks in an account never mix their metrics and alarms.
        POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
      },
    });
    this.data.grantTable(fn, plan.table);
    if (plan.linkKey) {
      fn.addEnvironment('LINK_KEY_SECRET_ARN', this.linkKey.secretArn);
      this.linkKey.grantRead(fn);
    }
    this.alarms.onFunctionErrors(`${pascal(name)}Errors`, fn);
    this.functions.set(name, fn);
    return fn;
  }

  /**
   * Stored documents. `documents` stores each PDF at sending and serves them; nothing may delete an
   * object; `verify` touches no object at all (it answers from the table), nor does `pages` (signing
   * writes the signature; the sealed copy is built by the outbox: `wireSeal`).
   */
  private wireEvidence(): void {
    this.grantDocuments(this.functionNamed('documents'), 'RW');
  }

  /**
   * The seal. `notify` builds the sealed signed copy when it reads quote.signed, and `deliver` when it
   * retries a signed-copy email whose copy is still missing: both read the sent PDF, store the copy
   * and its certificate chain (and attach the PDFs to their emails), and they alone may use the seal
   * key, whose policy names their roles.
   */
  private wireSeal(sealers: CloserFunction[]): void {
    const sealActions = ['kms:Sign', 'kms:GetPublicKey'];
    const roles = sealers.map((fn) => {
      if (!fn.role) throw new Error('a sealing function has no role');
      return fn.role;
    });
    const certificate = this.settings.sealCertificateSecretArn
      ? Secret.fromSecretCompleteArn(this, 'SealCertificate', this.settings.sealCertificateSecretArn)
      : undefined;
    for (const sealer of sealers) {
      this.grantDocuments(sealer, 'RW');
      sealer.addEnvironment('SEAL_KMS_KEY_ID', this.sealKey.keyArn);
      if (this.settings.sealTimestampUrl)
        sealer.addEnvironment('SEAL_TIMESTAMP_URL', this.settings.sealTimestampUrl);
      if (certificate && this.settings.sealCertificateSecretArn) {
        sealer.addEnvironment('SEAL_CERTIFICATE_SECRET_ARN', this.settings.sealCertificateSecretArn);
        certificate.grantRead(sealer);
      }
      sealer.addToRolePolicy(new PolicyStatement({ actions: sealActions, resources: [this.sealKey.keyArn] }));
    }
    this.sealKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SealingFunctionOnly',
        principals: roles,
        actions: sealActions,
        resources: ['*'],
      }),
    );
  }

  /**
   * Object access to the stored documents, by exact action: `RO` reads, `RW` also writes new objects.
   * No function may delete or overwrite-protect-bypass anything: there is no delete action here.
   */
  grantDocuments(fn: CloserFunction, access: 'RO' | 'RW'): void {
    fn.addEnvironment('DOCUMENTS_BUCKET', this.documents.bucketName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: access === 'RW' ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
        resources: [this.documents.arnForObjects('documents/*')],
      }),
    );
    const role = fn.role;
    if (role) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.documents.node.defaultChild as never)}.Arn>/documents/*]`,
        reason:
          'Documents are named by their SHA-256, unknown until written: the documents/ prefix is the narrowest resource, with GetObject (and PutObject for writers) only.',
      });
    }
  }

  /** The dead-letter destination of a stream mapping: encrypted, SSL only, two weeks to replay. */
  private streamDeadLetters(id: string, consumer: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is the dead-letter destination of the ${consumer} stream mapping; it has no DLQ of its own.`,
    });
    return queue;
  }

  /**
   * A table-stream mapping with the shared settings (contracts/stream-mapping.ts, which the local
   * poller reads too) and its dead-letter queue, which alarms. A plain event source mapping rather
   * than DynamoEventSource: the latter calls the table's grantStreamRead, which adds
   * dynamodb:ListStreams on `*`; grantStreamRead here scopes every stream action to this stream.
   */
  private streamMapping(
    fn: CloserFunction,
    consumer: StreamConsumer,
    id: string,
    filters: { [key: string]: unknown }[],
  ): Queue {
    const settings = STREAM_MAPPINGS[consumer];
    const deadLetters = this.streamDeadLetters(`${pascal(consumer)}DeadLetters`, consumer);
    this.data.grantStreamRead(fn);
    fn.addEventSourceMapping(id, {
      eventSourceArn: this.data.streamArn,
      startingPosition: StartingPosition[settings.startingPosition],
      batchSize: settings.batchSize,
      ...(settings.maxBatchingWindowSeconds > 0
        ? { maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds) }
        : {}),
      bisectBatchOnError: settings.bisectBatchOnError,
      reportBatchItemFailures: settings.reportBatchItemFailures,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      onFailure: new SqsDlq(deadLetters),
      filters,
    });
    this.alarms.onQueueNotEmpty(`${pascal(consumer)}DeadLettersNotEmpty`, deadLetters);
    // What `npm run replay -- <consumer> --queue-url … --function-name …` needs.
    new CfnOutput(this, `${pascal(consumer)}DeadLetterQueueUrl`, {
      description: `Stream records ${consumer} gave up on (README: Dead letters, how to replay them)`,
      value: deadLetters.queueUrl,
    });
    new CfnOutput(this, `${pascal(consumer)}FunctionName`, {
      description: `The ${consumer} function, which the replay invokes`,
      value: fn.functionName,
    });
    return deadLetters;
  }

  /** What sends email: SES permission, sender settings, deal links. */
  private mailer(fn: CloserFunction): void {
    this.mail.grantSendEmail(fn);
    for (const [key, value] of Object.entries(this.mail.environment)) fn.addEnvironment(key, value);
    // Notice emails link the deal's page in the console unless repAppUrl points elsewhere.
    fn.addEnvironment(
      'REP_APP_URL',
      this.settings.repAppUrl ?? `${this.console.origin}${CONSOLE_PATH.slice(0, -1)}`,
    );
  }

  /**
   * notify reads new outbox events from the table's stream, schedules their emails and tries them at
   * once. A record that keeps failing is split off, retried, then its pointer (shard and sequence
   * numbers, not the record) lands in the dead-letter queue: `npm run replay` processes it again.
   */
  wireNotify(fn: CloserFunction): void {
    this.mailer(fn);
    this.streamMapping(fn, 'notify', 'OutboxStream', [outboxFilter()]);
    // Webhook deliveries ride on the delivery schedule (the table is their queue, the notify DLQ
    // takes the stream records that could not be planned); an endpoint disabled after 24 h of
    // failures alarms (README: Webhooks).
    this.alarms.onBusinessCount(
      'WebhookEndpointDisabled',
      {
        namespace: this.metricsNamespace,
        dimensionsMap: { service: METRICS_SERVICE },
        metricName: WEBHOOK_METRICS.disabled,
      },
      'A webhook endpoint was disabled after 24 hours of failed deliveries (its owner was emailed)',
    );
  }

  /**
   * deliver retries the emails whose first try failed, every minute: it queries the sparse byDue
   * index for work that is due (the same code notify runs for new emails), for 24 hours per email,
   * then records email.failed and tells the rep. A failed run needs no dead-letter queue: the work
   * stays due in the table. Its error alarm says when runs fail.
   */
  wireDeliver(fn: CloserFunction): void {
    this.mailer(fn);
    this.alarms.onBacklog('DeliveriesBackingUp', {
      namespace: this.metricsNamespace,
      dimensionsMap: { service: METRICS_SERVICE },
      metricName: BACKLOG_METRICS.overdue,
    });
    new Rule(this, 'DeliverSchedule', {
      description: 'Delivers the emails that are due (retries of failed sends)',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(fn, { retryAttempts: 0, maxEventAge: Duration.minutes(2) })],
    });
  }

  /**
   * aggregate keeps the report aggregates from the table stream. Every change is applied once
   * whatever the delivery (per-deal version markers), so the mapping starts at TRIM_HORIZON: a
   * recreated mapping replays up to 24 h of changes harmlessly. A batch that keeps failing lands in
   * the dead-letter queue (which alarms); `backfillAggregates` then recounts what it missed.
   */
  wireAggregate(fn: CloserFunction): void {
    this.streamMapping(fn, 'aggregate', 'DealStream', aggregateFilters());
  }

  /**
   * expire runs on a fixed rate. A failed run needs no dead-letter queue: the next run finds the same
   * overdue quotes (they are queried, not handed over), so two retries are plenty.
   */
  wireExpire(fn: CloserFunction): void {
    new Rule(this, 'ExpireSchedule', {
      description: 'Expires quotes past their validUntil',
      schedule: Schedule.rate(Duration.minutes(this.settings.expireRateMinutes)),
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
  }

  private functionNamed(name: CloserFunctionName): CloserFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`function ${name} is not in the stack`);
    return fn;
  }
}
