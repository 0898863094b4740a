import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Subscribed to the topic when given. */
  email?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * One SNS topic every alarm notifies. The topic is encrypted with its own key because CloudWatch
 * cannot publish to a topic under the AWS managed `aws/sns` key (its key policy cannot be changed to
 * let CloudWatch use it).
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the Closer alarm topic',
      enableKeyRotation: true,
      // Nothing outlives the stack under this key (alarm notifications are transient).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'Closer alarms' });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }

  private add(alarm: Alarm): Alarm {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** Any invocation error in 5 minutes: handlers throw only on bugs and outages. */
  onFunctionErrors(id: string, fn: IFunction): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription: `${fn.node.id} threw or timed out`,
        metric: fn.metricErrors({ period: PERIOD, statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** A message in a dead-letter queue is an event nobody handled (an email not sent). */
  onQueueNotEmpty(id: string, queue: IQueue): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription: `${queue.node.id} holds records that failed every retry`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: Stats.MAXIMUM }),
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /**
   * Work left due for more than 15 minutes (two 5-minute periods in a row): deliveries are backing
   * up behind an outage, or runs fail or run out of time. No figure at all counts as backing up too:
   * the job publishes one every run, so silence means it stopped running.
   */
  onBacklog(
    id: string,
    metric: { namespace: string; metricName: string; dimensionsMap: Record<string, string> },
  ): Alarm {
    return this.add(
      new Alarm(this, id, {
        alarmDescription:
          'Scheduled deliveries (emails, reminders, webhooks) are waiting more than 15 minutes past due',
        metric: new Metric({ ...metric, period: PERIOD, statistic: Stats.MAXIMUM }),
        threshold: 15 * 60,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
      }),
    );
  }

  /** More than 1% of requests answered 5xx over 5 minutes. */
  onServerErrorRate(id: string, stage: IHttpStage): Alarm {
    const rate = new MathExpression({
      label: '5xx rate (%)',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: stage.metricServerError({ period: PERIOD, statistic: Stats.SUM }),
        requests: stage.metricCount({ period: PERIOD, statistic: Stats.SUM }),
      },
      period: PERIOD,
    });
    return this.add(
      new Alarm(this, id, {
        alarmDescription: 'More than 1% of API requests failed with a 5xx over 5 minutes',
        metric: rate,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
