import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import { OUTBOX_TYPES } from '#contracts/streams';
import { readContext } from '#infra/context';
import { aggregateFilters, CloserStack, functionPlans, outboxFilter, stackFunctionNames } from '#infra/stack';

/**
 * The background functions' wiring and the optional parts of the stack, in one synthesis: a custom
 * domain, a domain sender identity, an alarm email, a rep app URL and a faster expiry rate.
 */
const SYNTH_TIMEOUT = 180_000;
const cdkJson = JSON.parse(readFileSync(join(process.cwd(), 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let app: App;
let stack: CloserStack;
let template: Template;

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The statements of the role of the function whose description is given. */
function statementsOfFunction(description: string): Statement[] {
  const [fn] = Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  );
  if (!fn) throw new Error(`no function described "${description}"`);
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

beforeAll(() => {
  app = new App({
    context: {
      ...cdkJson.context,
      senderEmail: 'quotes@example.com',
      senderDomain: 'example.com',
      alarmEmail: 'ops@example.com',
      domainName: 'quotes.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      repAppUrl: 'https://crm.example.com',
      expireRateMinutes: '5',
    },
  });
  stack = new CloserStack(app, 'CloserWiring', { context: readContext(app) });
  template = Template.fromStack(stack);
}, SYNTH_TIMEOUT);

describe('CloserStack.wireNotify', () => {
  it('invokes notify from the table stream for inserted outbox events only', () => {
    // Arrange
    const pattern = new Capture();
    // Act
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.anyValue(), 'StreamArn'] },
      StartingPosition: 'LATEST',
      FilterCriteria: { Filters: [{ Pattern: pattern }] },
    });
    // Assert
    expect(pattern.asString()).toBe(outboxFilter().pattern);
    expect(JSON.parse(pattern.asString())).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['Event'] }, type: { S: [...OUTBOX_TYPES] } } },
    });
  });

  it('retries a bounded number of times, splits failing batches and reports item failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: STREAM_MAPPINGS.notify.retryAttempts,
      MaximumRecordAgeInSeconds: STREAM_MAPPINGS.notify.maxRecordAgeSeconds,
      BatchSize: STREAM_MAPPINGS.notify.batchSize,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
    });
  });

  it('sends dead letters to an encrypted, SSL-only queue that alarms when not empty', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  it("lets notify read its table's stream only, never every resource", () => {
    const statements = statementsOfFunction(functionPlans.notify.description);
    const stream = statements.find((s) => actionsOf(s).includes('dynamodb:GetRecords'));
    expect(stream && actionsOf(stream).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    expect(stream?.Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
    for (const statement of statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))) {
      expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    }
  });

  it('lets notify send email only from the sender, through its identity and configuration set', () => {
    // Arrange
    const ses = statementsOfFunction(functionPlans.notify.description).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('ses:')),
    );
    // Assert
    expect(ses).toHaveLength(1);
    const [send] = ses;
    expect(send && actionsOf(send).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    const [identity] = Object.keys(template.findResources('AWS::SES::EmailIdentity'));
    const [configurationSet] = Object.keys(template.findResources('AWS::SES::ConfigurationSet'));
    const resources = JSON.stringify(send?.Resource);
    expect(resources).toContain(`":identity/",{"Ref":"${identity}"}`);
    expect(resources).toContain(`":configuration-set/",{"Ref":"${configurationSet}"}`);
    expect(resources).not.toContain('"*"');
    expect(send?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'quotes@example.com' } });
  });

  it('gives notify the sender and the configuration set', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionPlans.notify.description,
      Environment: {
        Variables: Match.objectLike({
          SENDER_EMAIL: 'quotes@example.com',
          SES_CONFIGURATION_SET: { Ref: Match.anyValue() },
          REP_APP_URL: 'https://crm.example.com',
          TEMPLATES_DIR: '/var/task/templates',
        }),
      },
    });
  });
});

describe('CloserStack.wireAggregate', () => {
  /** The event source mapping that invokes the aggregate function. */
  function aggregateMapping() {
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const mapping = Object.values(resources).find((r) => {
      if (r.Type !== 'AWS::Lambda::EventSourceMapping') return false;
      const fn = resources[(r.Properties.FunctionName as { Ref: string }).Ref];
      return fn?.Properties.Description === functionPlans.aggregate.description;
    });
    if (!mapping) throw new Error('no event source mapping for aggregate');
    return mapping.Properties;
  }

  it('invokes aggregate from the table stream for every write to a deal item, from the oldest record', () => {
    // Act
    const mapping = aggregateMapping();
    // Assert
    expect(mapping.EventSourceArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
    const patterns = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) =>
      JSON.parse(f.Pattern),
    );
    expect(patterns).toEqual(aggregateFilters().map((f) => JSON.parse(String(f.pattern))));
    expect(patterns).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['Deal'] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['Deal'] } } } },
    ]);
  });

  it('keeps per-shard order, splits failing batches, retries a bounded number of times, then dead-letters', () => {
    const mapping = aggregateMapping();
    expect(mapping).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 24 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
    });
    expect(mapping.ParallelizationFactor).toBeUndefined();
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' },
    });
    expect(Object.keys(alarms)).toHaveLength(2);
  });

  it('lets aggregate read the table stream and items, and nothing else', () => {
    const statements = statementsOfFunction(functionPlans.aggregate.description);
    const stream = statements.find((s) => actionsOf(s).includes('dynamodb:GetRecords'));
    expect(stream?.Resource).toEqual({ 'Fn::GetAtt': [expect.any(String), 'StreamArn'] });
    expect(
      statements.flatMap(actionsOf).some((a) => a.startsWith('ses:') || a.startsWith('secretsmanager:')),
    ).toBe(false);
    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
  });
});

describe('CloserStack.wireDeliver', () => {
  it('runs deliver every minute, with SES, the link key and the table, and an error alarm', () => {
    const target = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [target, 'Arn'] } })],
    });
    const fn = template.toJSON().Resources[target.asString()];
    expect(fn.Properties.Description).toBe(functionPlans.deliver.description);
    expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'SENDER_EMAIL', 'LINK_KEY_SECRET_ARN']),
    );
    const actions = statementsOfFunction(functionPlans.deliver.description).flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['ses:SendRawEmail', 'dynamodb:Query', 'dynamodb:UpdateItem']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(stackFunctionNames()).toContain('deliver');
  });

  it("outputs each stream consumer's dead-letter queue and function for the replay command", () => {
    for (const consumer of ['Notify', 'Aggregate']) {
      template.hasOutput(`${consumer}DeadLetterQueueUrl`, { Value: { Ref: Match.anyValue() } });
      template.hasOutput(`${consumer}FunctionName`, { Value: { Ref: Match.anyValue() } });
    }
  });

  it('alarms when deliveries back up: due work left waiting 15 minutes, or no figure from deliver', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'WorkOverdueSeconds' },
    });
    const [alarm] = Object.values(alarms) as { Properties: Record<string, unknown> }[];
    expect(Object.keys(alarms)).toHaveLength(1);
    expect(alarm?.Properties).toMatchObject({
      Namespace: expect.stringMatching(/^Closer\/.+/),
      Dimensions: [{ Name: 'service', Value: 'closer' }],
      Statistic: 'Maximum',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
    });
    // The functions publish where the alarm reads.
    const [deliver] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: functionPlans.deliver.description },
      }),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    expect(deliver?.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toEqual(
      alarm?.Properties.Namespace,
    );
  });
});

describe('CloserStack.wireExpire', () => {
  it('runs expire on the configured rate', () => {
    const target = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [target, 'Arn'] }, RetryPolicy: Match.anyValue() })],
    });
    const fn = template.toJSON().Resources[target.asString()];
    expect(fn.Properties.Description).toBe(functionPlans.expire.description);
  });

  it('alarms on notify and expire errors like every function', () => {
    const errorAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'Errors' },
    });
    expect(Object.keys(errorAlarms)).toHaveLength(stackFunctionNames().length);
    expect(stackFunctionNames()).toEqual(expect.arrayContaining(['notify', 'expire']));
  });
});

describe('CloserStack options', () => {
  it('maps the custom domain to the default stage and uses it as the public base URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'quotes.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }),
      ],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      Stage: '$default',
      ApiMappingKey: Match.absent(),
    });
    // Closer's functions (not CDK's console-upload helpers) link quotes on the custom domain.
    const closerFunctions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !/^Custom(CDKBucketDeployment|S3AutoDeleteObjects)/.test(id),
    );
    Template.fromJSON({ Resources: Object.fromEntries(closerFunctions) }).allResourcesProperties(
      'AWS::Lambda::Function',
      { Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: 'https://quotes.example.com' }) } },
    );
    // The console may call the API there (its CSP names the domain).
    const csp = JSON.stringify(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(csp).toContain('https://quotes.example.com');
    template.hasOutput('PublicBaseUrl', { Value: 'https://quotes.example.com' });
    template.hasOutput('CustomDomainTarget', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'RegionalDomainName'] },
    });
  });

  it('verifies the sender domain with DKIM and subscribes the alarm email', () => {
    // Easy DKIM is SES's default for a domain; the stack outputs the three CNAMEs to publish.
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    const dkim = template.findOutputs('*', {
      Description: Match.stringLikeRegexp('^DKIM CNAME [123] to publish for example.com$'),
    });
    expect(Object.keys(dkim)).toHaveLength(3);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('passes the AwsSolutions checks with every optional part wired', () => {
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});
