import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '#contracts/routes';
import { readContext } from '#infra/context';
import { CloserStack, functionPlans, httpFunctionNames, stackFunctionNames } from '#infra/stack';
import { tableDefinition } from '#store/keys';

/**
 * One stack for the whole file: synthesizing bundles every function with esbuild. The app gets the
 * feature flags of cdk.json, so the template under test is the one `cdk deploy` produces.
 */
const SYNTH_TIMEOUT = 180_000;
const cdkJson = JSON.parse(readFileSync(join(process.cwd(), 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

let app: App;
let stack: CloserStack;
let template: Template;
let resources: Record<string, { Type: string; Properties: Json }>;

function statementsOf(t: Template): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  );
}

/** CDK's own helper functions (the console upload, the bucket emptier), not Closer's. */
const CDK_HELPER = /^Custom(CDKBucketDeployment|S3AutoDeleteObjectsCustomResourceProvider)/;

/** The template's Lambda functions that Closer builds from its plans. */
function closerFunctions(t: Template) {
  return Object.fromEntries(
    Object.entries(t.findResources('AWS::Lambda::Function')).filter(([id]) => !CDK_HELPER.test(id)),
  );
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** Logical id → resource, following a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` (never spelled). */
function resolve(reference: unknown) {
  const ref = reference as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = ref.Ref ?? ref['Fn::GetAtt']?.[0];
  const resource = id === undefined ? undefined : resources[id];
  if (!resource) throw new Error(`unresolved reference ${JSON.stringify(reference)}`);
  return resource;
}

beforeAll(() => {
  app = new App({ context: { ...cdkJson.context, senderEmail: 'quotes@example.com' } });
  stack = new CloserStack(app, 'CloserTest', { context: readContext(app) });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, SYNTH_TIMEOUT);

describe('CloserStack HTTP API', () => {
  it('creates one route per entry of the route table, and no other', () => {
    // Arrange
    const expected = routes.map(routeKey).sort();
    // Act
    const actual = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => r.Properties.RouteKey as string)
      .sort();
    // Assert
    expect(actual).toEqual(expected);
  });

  it('guards rep routes with the JWT authorizer and leaves public routes open', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.anyValue() }],
        Issuer: { 'Fn::GetAtt': [Match.anyValue(), 'ProviderURL'] },
      },
    });
    // The id is read from the template, never spelled: it is a hash.
    const [authorizerLogicalId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));

    for (const route of routes) {
      if (route.auth === 'rep') {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey(route),
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerLogicalId },
        });
      } else {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: routeKey(route),
          AuthorizationType: 'NONE',
          AuthorizerId: Match.absent(),
        });
      }
    }
  });

  it('trusts tokens issued to the app client of the user pool', () => {
    const authorizer = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    const config = authorizer?.Properties.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    expect(resolve(config.Audience[0]).Type).toBe('AWS::Cognito::UserPoolClient');
    expect(resolve(config.Issuer).Type).toBe('AWS::Cognito::UserPool');
  });

  it("sends each route to its function's Lambda integration", () => {
    for (const route of routes) {
      const [found] = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey(route) } }),
      );
      const target = found?.Properties.Target as { 'Fn::Join': [string, [string, unknown]] };
      const integration = resolve(target['Fn::Join'][1][1]);
      expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
      const fn = resolve(integration.Properties.IntegrationUri);
      expect(fn.Properties.Description).toBe(functionPlans[route.fn].description);
    }
  });

  it('creates one Lambda function per distinct function of the route table, plus the background ones', () => {
    const descriptions = Object.values(closerFunctions(template)).map((f) => f.Properties.Description);
    expect(httpFunctionNames().length).toBeGreaterThan(0);
    expect(descriptions.sort()).toEqual(
      stackFunctionNames()
        .map((n) => functionPlans[n].description)
        .sort(),
    );
  });

  it('throttles the default stage and gives every public route its own limits', () => {
    // Arrange
    const publicKeys = routes.filter((r) => r.auth === 'public').map(routeKey);
    const settings = new Capture();
    // Act
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: settings,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    // Assert
    const routeSettings = settings.asObject();
    expect(Object.keys(routeSettings).sort()).toEqual([...publicKeys].sort());
    for (const key of publicKeys) {
      expect(routeSettings[key]).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    }
  });
});

describe('CloserStack table', () => {
  it('builds keys and indexes from tableDefinition, with TTL and a stream', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: Match.arrayEquals(
        tableDefinition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' },
            { AttributeName: index.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      ),
      TimeToLiveSpecification: { AttributeName: tableDefinition.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('is on-demand, encrypted with KMS, recoverable, protected and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // SSEEnabled without a key id: KMS with the AWS managed key (aws/dynamodb).
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('CloserStack IAM', () => {
  it('never grants a dynamodb wildcard action nor a dynamodb action on every resource', () => {
    const dynamoStatements = statementsOf(template).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect(actionsOf(statement).filter((a) => a.includes('*'))).toEqual([]);
      expect(resourcesOf(statement)).not.toContain('*');
      expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
    }
  });

  it('grants every action on any resource to nobody, and * resources only to X-Ray and console invalidations', () => {
    for (const statement of statementsOf(template)) {
      expect(actionsOf(statement)).not.toContain('*');
      if (resourcesOf(statement).includes('*')) {
        // CDK's console upload invalidates the distribution's cache after each deploy.
        const allowed = (a: string) =>
          a.startsWith('xray:') || /^cloudfront:(Create|Get)Invalidation$/.test(a);
        expect(actionsOf(statement).every(allowed), JSON.stringify(actionsOf(statement))).toBe(true);
      }
    }
  });

  it('gives the api function read-write item access and Query on the named indexes', () => {
    const statements = statementsOf(template);
    const writes = statements.find((s) => actionsOf(s).includes('dynamodb:PutItem'));
    expect(writes && actionsOf(writes)).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
    const query = statements.find((s) => actionsOf(s).includes('dynamodb:Query'));
    const indexArns = JSON.stringify(query?.Resource);
    for (const index of tableDefinition.indexes) expect(indexArns).toContain(`/index/${index.name}`);
    expect(indexArns).not.toContain('/index/*');
  });
});

describe('CloserStack functions', () => {
  it('builds every function with the house defaults', () => {
    expect(
      Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => CDK_HELPER.test(id)),
    ).toHaveLength(2);
    Template.fromJSON({ Resources: closerFunctions(template) }).allResourcesProperties(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: Match.anyValue() } },
        Environment: {
          Variables: Match.objectLike({
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'closer',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            TABLE_NAME: { Ref: Match.anyValue() },
            PUBLIC_BASE_URL: { 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] },
            DEFAULT_CURRENCY: 'EUR',
            DEFAULT_LOCALE: 'en',
          }),
        },
      },
    );
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sets memory, timeout and TEMPLATES_DIR from each plan', () => {
    for (const name of stackFunctionNames()) {
      const plan = functionPlans[name];
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: plan.description,
        MemorySize: plan.memorySize,
        Timeout: plan.timeout.toSeconds(),
        Environment: {
          Variables: plan.templates
            ? Match.objectLike({ TEMPLATES_DIR: '/var/task/templates' })
            : Match.not(Match.objectLike({ TEMPLATES_DIR: Match.anyValue() })),
        },
      });
    }
  });

  it('passes the link key secret to, and only to, the functions that seal link tokens', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const name of stackFunctionNames()) {
      const fn = functions.find((f) => f.Properties.Description === functionPlans[name].description);
      if (!fn) throw new Error(`no ${name} function`);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (functionPlans[name].linkKey) {
        expect(resolve(variables.LINK_KEY_SECRET_ARN).Type).toBe('AWS::SecretsManager::Secret');
      } else {
        expect(variables.LINK_KEY_SECRET_ARN).toBeUndefined();
      }
    }
    const reads = statementsOf(template).filter((s) =>
      actionsOf(s).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toHaveLength(stackFunctionNames().filter((n) => functionPlans[n].linkKey).length);
    for (const statement of reads) expect(resourcesOf(statement)).not.toContain('*');
  });

  /** The folder of a function's code asset: the zip whose asset hash names its S3 key. */
  function assetDir(name: keyof typeof functionPlans): string {
    const assembly = app.synth();
    const manifest = JSON.parse(
      readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
    ) as { files: Record<string, { source: { path: string } }> };
    const fn = Object.values(closerFunctions(template)).find(
      (f) => f.Properties.Description === functionPlans[name].description,
    );
    const key = (fn?.Properties.Code as { S3Key: string } | undefined)?.S3Key ?? '';
    const asset = manifest.files[key.replace(/\.zip$/, '')];
    if (!asset) throw new Error(`no asset for ${name}`);
    return join(assembly.directory, asset.source.path);
  }

  it('ships an ESM bundle with its source map, and templates/ to the functions that render', () => {
    // Assert
    expect(Object.values(closerFunctions(template))).toHaveLength(stackFunctionNames().length);
    for (const name of stackFunctionNames()) {
      // Act
      const dir = assetDir(name);
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire as __closerCreateRequire } from 'node:module';")).toBe(
        true,
      );
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(existsSync(join(dir, 'templates', 'locales'))).toBe(functionPlans[name].templates);
    }
  });

  it('keeps renderers, email and webhook deliveries out of the api bundle (its routes use none)', () => {
    // Act: the modules bundled, as the source map lists them (paths relative to the bundle)
    const { sources } = JSON.parse(readFileSync(join(assetDir('api'), 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };
    // Assert: the builder's previews are served by documents, webhook deliveries by notify/deliver
    const heavy = sources.filter((s) =>
      /node_modules\/(handlebars|pdfkit|fontkit|@aws-sdk\/client-ses)\/|functions\/(mail|render\/(html|email|pdf|page))/.test(
        s,
      ),
    );
    expect(heavy).toEqual([]);
    expect(sources.some((s) => s.endsWith('functions/services/webhook-endpoints.ts'))).toBe(true);
  });
});

describe('CloserStack users', () => {
  it('creates an admin-only user pool with a strong password policy and threat protection', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      }),
    });
  });

  it('creates a public app client with password and SRP flows, and the managers and reps groups', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'managers' });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'reps' });
  });
});

describe('CloserStack console', () => {
  it('keeps the console in a private, encrypted, SSL-only bucket that only CloudFront reads', () => {
    // Arrange
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
    const config = (distribution?.Properties as any)?.DistributionConfig;
    const origin = config.Origins[0];

    // Assert: the origin is a bucket reached through origin access control, never a public website
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(origin.S3OriginConfig).toBeDefined();
    const bucket = resolve(origin.DomainName);
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption).toBeDefined();
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('sends the strict CSP and security headers, and serves index.html for the screens of the app', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: {
            ContentSecurityPolicy: Match.objectLike({
              'Fn::Join': Match.arrayWith([
                Match.arrayWith([Match.stringLikeRegexp("script-src 'self'; style-src 'self'")]),
              ]),
            }),
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          StrictTransportSecurity: Match.objectLike({ Override: true }),
          ContentTypeOptions: { Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
        }),
      }),
    });
    const code = new Capture();
    template.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: code });
    expect(code.asString()).toContain("event.request.uri = '/app/index.html'");
  });

  it('uploads the built console and its runtime settings under /app/', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'app/',
      DistributionPaths: ['/app/index.html', '/app/config.json'],
    });
    expect(existsSync(join(process.cwd(), 'console', 'dist', 'index.html'))).toBe(true);
  });

  it('signs reps in with the authorization code flow, back to the console, and lets only the console call the API', () => {
    // Assert: code flow (PKCE happens in the browser), callbacks on the distribution
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]
      ?.Properties as any;
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(JSON.stringify(client.CallbackURLs)).toContain('/app/callback');
    expect(JSON.stringify(client.CallbackURLs)).toContain('DomainName');
    expect(JSON.stringify(client.LogoutURLs)).toContain('/app/sign-in');
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    // CORS: the console's origin only
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]?.Properties as any;
    expect(api.CorsConfiguration.AllowOrigins).toHaveLength(1);
    expect(JSON.stringify(api.CorsConfiguration.AllowOrigins)).toContain('DomainName');
    expect(api.CorsConfiguration.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'if-match']));
    // Outputs
    template.hasOutput('ConsoleUrl', Match.anyValue());
    template.hasOutput('LoginDomain', Match.anyValue());
  });

  it("never has the local runner's sign-in route or the console in the API", () => {
    // Arrange
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r.Properties as { RouteKey: string }).RouteKey,
    );

    // Assert
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => /\/local\b|\/app\b/.test(k))).toEqual([]);
    expect(routes.some((r) => r.path.startsWith('/local') || r.path.startsWith('/app'))).toBe(false);
  });

  it("links notice emails to the deal's page in the console", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: functionPlans.notify.description,
      Environment: {
        Variables: Match.objectLike({
          REP_APP_URL: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/app'])]) }),
        }),
      },
    });
  });
});

describe('CloserStack mail and alarms', () => {
  it('verifies the sender address through a configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'quotes@example.com',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.anyValue() } },
    });
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it("alarms on each function's errors and on the API 5xx rate, to the encrypted topic", () => {
    const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    const errorAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda', AlarmActions: [{ Ref: topic }] },
    });
    expect(Object.keys(errorAlarms)).toHaveLength(stackFunctionNames().length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: topic }],
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('errors / requests') }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx' }) }),
        }),
      ]),
    });
  });

  it('outputs the API URL, public base URL, user pool, client and table', () => {
    for (const name of ['ApiUrl', 'PublicBaseUrl', 'UserPoolId', 'UserPoolClientId', 'TableName']) {
      template.hasOutput(name, { Value: Match.anyValue() });
    }
  });
});

describe('CloserStack evidence', () => {
  it('keeps documents in a private, versioned, encrypted, TLS-only bucket that outlives the stack', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('creates an RSA sign/verify KMS key whose policy names the sealing functions', () => {
    const principal = new Capture();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'RSA_2048',
      KeyUsage: 'SIGN_VERIFY',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SealingFunctionOnly',
            Action: ['kms:GetPublicKey', 'kms:Sign'],
            Principal: { AWS: principal },
          }),
        ]),
      },
    });
    const roleOf = (plan: { description: string }) =>
      Object.values(template.findResources('AWS::Lambda::Function')).find(
        (f) => f.Properties.Description === plan.description,
      )?.Properties.Role;
    expect(principal.asArray()).toEqual(
      expect.arrayContaining([roleOf(functionPlans.notify), roleOf(functionPlans.deliver)]),
    );
    expect(principal.asArray()).toHaveLength(2);
  });

  it('lets only the sealing functions sign, and nothing delete or rewrite a stored document', () => {
    // Arrange: each policy statement with the roles it is attached to, and the roles of Closer's functions
    const grants = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.map((statement) => ({
        statement,
        roles: (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      })),
    );
    const roleOf = (plan: { description: string }) => {
      const fn = Object.values(closerFunctions(template)).find(
        (f) => f.Properties.Description === plan.description,
      );
      if (!fn) throw new Error(`no function ${plan.description}`);
      return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    };
    const [documentsBucket] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) =>
      id.startsWith('Documents'),
    );
    expect(documentsBucket).toBeDefined();
    // A statement reaches the stored documents if it names their bucket or any resource at all.
    const reachesDocuments = (s: Statement) =>
      resourcesOf(s).some((r) => r === '*' || JSON.stringify(r).includes(`"${documentsBucket}"`));
    const onDocuments = grants.filter((g) => reachesDocuments(g.statement));
    // Act
    const signers = grants.filter((g) => actionsOf(g.statement).includes('kms:Sign'));
    const destructive = onDocuments.flatMap((g) =>
      actionsOf(g.statement).filter((a) =>
        /^s3:(\*|Delete|PutObject(Acl|Retention|LegalHold|Tagging)|PutBucket|PutLifecycle|Abort)/.test(a),
      ),
    );
    const writers = onDocuments.filter((g) => actionsOf(g.statement).some((a) => a.startsWith('s3:Put')));
    // Assert: the signers are notify (it seals on quote.signed) and deliver (a retried signed-copy
    // email seals a copy still missing); not pages, where the customer signs
    const sealers = [roleOf(functionPlans.notify), roleOf(functionPlans.deliver)].sort();
    expect(signers.flatMap((g) => g.roles).sort()).toEqual(sealers);
    // No function (nor CDK's console upload, whose grants name only the console bucket) deletes,
    // versions away or reconfigures a stored document; objects are named by their SHA-256 in a
    // versioned bucket, so a PutObject can never lose what was stored.
    expect(onDocuments.length).toBeGreaterThan(0);
    expect(destructive).toEqual([]);
    expect(writers.flatMap((g) => g.roles).sort()).toEqual(
      [roleOf(functionPlans.documents), ...sealers].sort(),
    );
    const sealing = Object.values(closerFunctions(template)).filter(
      (f) => (f.Properties.Environment as { Variables: Json }).Variables.SEAL_KMS_KEY_ID !== undefined,
    );
    expect(sealing.map((f) => f.Properties.Description).sort()).toEqual(
      [functionPlans.notify.description, functionPlans.deliver.description].sort(),
    );
    // The customer's function reaches no stored document and no seal at all.
    const pages = Object.values(closerFunctions(template)).find(
      (f) => f.Properties.Description === functionPlans.pages.description,
    );
    const pagesEnv = pages?.Properties.Environment as { Variables: Json } | undefined;
    expect(pagesEnv?.Variables).toBeDefined();
    expect(pagesEnv?.Variables.DOCUMENTS_BUCKET).toBeUndefined();
    const verify = Object.values(closerFunctions(template)).find(
      (f) => f.Properties.Description === functionPlans.verify.description,
    );
    const verifyEnv = verify?.Properties.Environment as { Variables: Json } | undefined;
    expect(verifyEnv?.Variables).toBeDefined();
    expect(verifyEnv?.Variables.DOCUMENTS_BUCKET).toBeUndefined();
  });
});

describe('CloserStack cdk-nag', () => {
  it('passes the AwsSolutions checks with no unacknowledged error or warning', () => {
    // Act
    const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(stack);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    // Assert
    expect(findings.filter((f) => f.startsWith('error'))).toEqual([]);
    expect(findings.filter((f) => f.startsWith('warning'))).toEqual([]);
    expect(report.success).toBe(true);
  });
});
