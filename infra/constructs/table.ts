import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDefinition } from '#store/keys';

export type TableAccess = 'RO' | 'RW';

/**
 * Item-level actions only. There is no Scan: every request path is a GetItem or a Query (the design
 * rule), so a function that scans fails loudly instead of quietly reading the whole table.
 * Transactions need no action of their own: IAM checks the Put/Update/Delete/ConditionCheck inside.
 */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  RO: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  RW: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** What Lambda's event source mapping calls on a stream (AWS's documented minimum). */
export const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
] as const;

/**
 * The single table, built from `tableDefinition` (the keys module) so the stack, the local runner
 * and the tests share one key schema.
 *
 * Encryption: the AWS managed key (aws/dynamodb). A customer managed key would add $1/month and a
 * key policy to keep right, and since the table is retained on stack deletion the key would have to
 * be retained (and kept enabled) forever too, or the retained data becomes unreadable. Nothing here
 * needs what a CMK adds (cross-account grants, revoking AWS's access); CloudTrail still logs use of
 * the AWS managed key.
 */
export class CloserTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: TableEncryption.AWS_MANAGED,
      // notify needs the new image (the event); the old image costs nothing extra to stream and
      // lets later consumers (reports) see what changed.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: tableDefinition.ttlAttribute,
    });
    for (const index of tableDefinition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: AttributeType.STRING },
        sortKey: { name: index.sort, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** The stream's ARN; the table is always created with a stream. */
  get streamArn(): string {
    const arn = this.table.tableStreamArn;
    if (arn === undefined) throw new Error('the table has no stream');
    return arn;
  }

  /**
   * Read or read-write access to the items and to each index by name (no `index/*` wildcard), never
   * `dynamodb:*` and never Scan.
   */
  grantTable(grantee: IGrantable, access: TableAccess): void {
    const itemActions = TABLE_ACTIONS[access].filter((a) => a !== 'dynamodb:Query');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...itemActions], resources: [this.table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [this.table.tableArn, ...tableDefinition.indexes.map((i) => this.indexArn(i.name))],
      }),
    );
  }

  /** Stream reads on this table's stream only (CDK's own grant adds ListStreams on `*`). */
  grantStreamRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...STREAM_ACTIONS], resources: [this.streamArn] }),
    );
  }

  private indexArn(indexName: string): string {
    return `${this.table.tableArn}/index/${indexName}`;
  }
}
