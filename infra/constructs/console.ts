import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleCsp, ensureConsoleBuiltSync } from '../console-assets.ts';

/** Where the console lives under its origin, locally (`/app/`) and in the cloud alike. */
export const CONSOLE_PATH = '/app/';

/** What the console reads at start-up (`/app/config.json`): how to sign in, where the API is. */
export interface ConsoleRuntimeConfig {
  auth: { mode: 'cognito'; authority: string; clientId: string; domain: string; scope: string };
  apiUrl: string;
}

/**
 * CloudFront Function (viewer request): `/` and `/app` go to `/app/`; a screen of the app (a path
 * under /app/ without a file extension) is served `index.html` (the SPA fallback), so a missing
 * asset still answers the bucket's own 403/404 instead of a page.
 */
const ROUTER = `function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/app') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/app/' } } };
  }
  if (uri.indexOf('/app/') === 0 && uri.split('/').pop().indexOf('.') === -1) {
    event.request.uri = '/app/index.html';
  }
  return event.request;
}`;

/**
 * The reps' console in the cloud: its built files in a private bucket, read by CloudFront only
 * (origin access control), HTTPS only, with the security headers the local server also sends.
 * Build the distribution first (the user pool needs its URL for sign-in callbacks), then
 * `deploy()` the files with the runtime settings once the API and the user pool exist.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  private readonly headers: ResponseHeadersPolicy;
  private readonly logRetention: RetentionDays;

  constructor(
    scope: Construct,
    id: string,
    props: { connectOrigins: string[]; logRetention: RetentionDays },
  ) {
    super(scope, id);
    this.logRetention = props.logRetention;
    const logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the console bucket and distribution; logging it into itself would loop.',
    });
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'bucket/',
      // Only build output: every deploy uploads it again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Closer console: strict CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(props.connectOrigins), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Closer reps console',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.headers,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new CloudFrontFunction(this, 'Router', { code: FunctionCode.fromInline(ROUTER) }),
          },
        ],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Reps sign in from wherever they travel; the API they call authenticates every request.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only (no data, no forms); the API has its own throttling. Attach a web ACL with `webAclId` where policy requires WAF everywhere.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot set a minimum protocol; CloudFront negotiates TLS 1.2+ with current browsers. A custom console domain would set TLSv1.2_2021.',
      },
    );
  }

  /** `https://<distribution>.cloudfront.net` (no trailing slash). */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** The console's address: `https://<distribution>/app/`. */
  get url(): string {
    return `${this.origin}${CONSOLE_PATH}`;
  }

  /** Uploads the built console (built now when missing or stale) and its runtime settings. */
  deploy(config: ConsoleRuntimeConfig): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(ensureConsoleBuiltSync()), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PATH.slice(1),
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_PATH}index.html`, `${CONSOLE_PATH}config.json`],
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'DeployLogs', {
        retention: this.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // The upload and auto-delete helpers are CDK's own custom resources, created at the stack's top.
    const helpers = Stack.of(this).node.children.filter((c) =>
      /^(Custom::CDKBucketDeployment|Custom::S3AutoDeleteObjectsCustomResourceProvider)/.test(c.node.id),
    );
    for (const helper of helpers) {
      Validations.of(helper).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's BucketDeployment function logs through AWSLambdaBasicExecutionRole.",
        },
        {
          id: 'AwsSolutions-L1',
          reason:
            "The runtime of CDK's BucketDeployment function (Python, with the AWS CLI layer) is chosen by aws-cdk-lib.",
        },
        ...[
          'Action::s3:GetBucket*',
          'Action::s3:GetObject*',
          'Action::s3:List*',
          'Action::s3:Abort*',
          'Action::s3:DeleteObject*',
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
          `Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`,
          'Resource::*',
        ].map((finding) => ({
          id: `AwsSolutions-IAM5[${finding}]`,
          reason:
            "CDK's BucketDeployment copies the whole build from the CDK asset bucket into the console bucket and invalidates the distribution (CloudFront invalidations take no resource).",
        })),
      );
    }
    return deployment;
  }
}
