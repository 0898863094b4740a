import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  CfnStage,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, type Route, routeKey } from '#contracts/routes';

export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

export interface HttpApiProps {
  /** Issuer and audience (the app client id) of the tokens rep routes accept. */
  jwtIssuer: string;
  jwtAudience: string;
  /** The default stage's limits, applied to each route on its own. */
  throttle: Throttle;
  /** Replaces the stage's limits on each public route: they face the internet with no login. */
  publicThrottle: Throttle;
  logRetention: RetentionDays;
  /** Browser origins allowed to call the API (the console's); none when unset. */
  corsOrigins?: string[];
  /** Optional custom domain: the public base URL of quote links becomes `https://<domainName>`. */
  domain?: { domainName: string; certificateArn: string };
}

/**
 * The HTTP API (API Gateway v2) built from the route table: one Lambda integration per function,
 * the Cognito JWT authorizer on rep routes, none on public routes, throttling per stage and per
 * public route, JSON access logs.
 */
export class CloserHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly domainName?: DomainName;
  private readonly customDomain?: string;
  private readonly authorizer: HttpJwtAuthorizer;
  private readonly publicThrottle: Throttle;
  private readonly integrations = new Map<FunctionName, HttpLambdaIntegration>();
  private readonly routeSettings: Record<
    string,
    { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  > = {};

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.publicThrottle = props.publicThrottle;
    // The stage is created by hand: the API's implicit default stage takes no throttle or logs.
    this.api = new HttpApi(this, 'HttpApi', {
      createDefaultStage: false,
      description: 'Closer HTTP API',
      // The console calls the API from its own origin: only that origin, only what it sends and reads.
      ...(props.corsOrigins?.length
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.PATCH,
              ],
              allowHeaders: ['authorization', 'content-type', 'if-match'],
              exposeHeaders: ['etag', 'x-next-cursor', 'x-row-count'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    this.authorizer = new HttpJwtAuthorizer('RepJwt', props.jwtIssuer, {
      jwtAudience: [props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    if (props.domain) {
      this.customDomain = props.domain.domainName;
      this.domainName = new DomainName(this, 'DomainName', {
        domainName: props.domain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      });
      new ApiMapping(this, 'ApiMapping', { api: this.api, domainName: this.domainName, stage: this.stage });
    }
  }

  /** `https://<id>.execute-api.<region>.amazonaws.com` (the `$default` stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  /** Where customers open quotes: the custom domain when there is one, else the API's URL. */
  get publicBaseUrl(): string {
    return this.customDomain ? `https://${this.customDomain}` : this.url;
  }

  /**
   * Adds the routes of the table, each to its function's integration. A public route also gets its
   * own throttle in the stage's route settings.
   */
  addRoutes(routes: readonly Route[], functionOf: (name: FunctionName) => IFunction): HttpRoute[] {
    const added: HttpRoute[] = [];
    for (const route of routes) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: this.integrationOf(route.fn, functionOf),
        authorizer: route.auth === 'rep' ? this.authorizer : undefined,
      });
      if (!httpRoute) throw new Error(`no route created for ${routeKey(route)}`);
      added.push(httpRoute);
      if (route.auth === 'public') {
        this.throttlePublicRoute(route, httpRoute);
        const cfnRoute = httpRoute.node.defaultChild;
        if (!cfnRoute) throw new Error(`no CfnRoute for ${routeKey(route)}`);
        Validations.of(cfnRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeKey(route)} is public by design (auth: public in the route table): customers have no account, the link token in the path is the capability.`,
        });
      }
    }
    return added;
  }

  private integrationOf(
    name: FunctionName,
    functionOf: (name: FunctionName) => IFunction,
  ): HttpLambdaIntegration {
    let integration = this.integrations.get(name);
    if (!integration) {
      // One permission for the whole API instead of one per route: per-route permissions grow the
      // function's resource policy past Lambda's 20 KB limit once the route table is complete.
      integration = new HttpLambdaIntegration(`${name}Integration`, functionOf(name), {
        scopePermissionToRoute: false,
      });
      this.integrations.set(name, integration);
    }
    return integration;
  }

  private throttlePublicRoute(route: Route, httpRoute: HttpRoute): void {
    const cfnStage = this.stage.node.defaultChild;
    if (!(cfnStage instanceof CfnStage)) throw new Error('the default stage has no CfnStage');
    // RouteSettings is free-form JSON in CloudFormation, so its keys are written as CloudFormation
    // spells them; a route must exist before the stage can name it.
    this.routeSettings[routeKey(route)] = {
      ThrottlingRateLimit: this.publicThrottle.rateLimit,
      ThrottlingBurstLimit: this.publicThrottle.burstLimit,
    };
    cfnStage.routeSettings = this.routeSettings;
    cfnStage.node.addDependency(httpRoute);
  }
}
