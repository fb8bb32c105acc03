import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { corsPolicy } from '../../shared/contracts/cors';
import type { EndpointGroup } from '../../shared/contracts/groups';
import type { RouteContract } from '../../shared/contracts/route';
import { addGatewayProblems } from './gateway-problems';

/** The stage name is the API's major version: clients call `https://…/v1/health`. */
export const apiStageName = 'v1';

/** What the API needs to know about a route; `routeList()` provides it. */
export type ApiRoute = Pick<RouteContract, 'method' | 'path' | 'group' | 'permission'> & {
  readonly operationId: string;
};

export interface ApiThrottling {
  /** Per client (API key) in the usage plan. */
  readonly requestsPerMinute: number;
  readonly burst: number;
  /** For the whole stage, every client together. */
  readonly stageRequestsPerSecond: number;
  readonly stageBurst: number;
}

export interface BankingApiProps {
  readonly tenant: string;
  readonly routes: readonly ApiRoute[];
  /** The function serving each endpoint group. */
  readonly handlerOf: (group: EndpointGroup) => lambda.IFunction;
  /** Answers every request no route matches (404/405 problem+json). */
  readonly fallbackGroup: EndpointGroup;
  readonly corsOrigins: readonly string[];
  readonly throttling: ApiThrottling;
  readonly accessLogRetention: logs.RetentionDays;
}

/**
 * The tenant's REST API (ADR 0002): one resource per path of the route table, one method per route
 * proxied to its group's function, and an ANY method on every resource (and `/{proxy+}`) that
 * sends everything else to the fallback function, so an unknown path is a 404 and a known path
 * with the wrong method a 405 with `Allow`, both in problem+json.
 *
 * The API has no authorizer: the function of each route verifies the bearer token and checks the
 * route's permission in its shared edge middleware (ADR 0005), so API Gateway passes every request
 * through and the WAF and throttles in front of it bound what unauthenticated callers can cost.
 */
export class BankingApi extends Construct {
  readonly api: apigw.RestApi;
  readonly usagePlan: apigw.UsagePlan;
  readonly accessLogs: logs.LogGroup;
  private readonly validator: apigw.RequestValidator;
  private readonly integrations = new Map<EndpointGroup, apigw.Integration>();

  constructor(scope: Construct, id: string, props: BankingApiProps) {
    super(scope, id);
    const { throttling } = props;

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new apigw.RestApi(this, 'RestApi', {
      restApiName: `nexum-${props.tenant}`,
      description: `Nexum core banking API for ${props.tenant}`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The CloudWatch role is an account-wide API Gateway setting; a tenant stack must not own
      // it, or two tenants in one account would overwrite each other's.
      cloudWatchRole: false,
      // The Swagger UI assets come back base64-encoded from Lambda; API Gateway decodes them only
      // for media types listed here, and browsers ask for scripts with `Accept: */*`. JSON bodies
      // then arrive base64-encoded too, which the JSON body parser decodes.
      binaryMediaTypes: ['*/*'],
      minCompressionSize: Size.kibibytes(1),
      defaultCorsPreflightOptions: corsPreflight(props.corsOrigins),
      deployOptions: {
        stageName: apiStageName,
        tracingEnabled: true,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: accessLogFormat(),
        // The stage-wide ceiling; the per-client limits are the usage plan and WAF.
        throttlingRateLimit: throttling.stageRequestsPerSecond,
        throttlingBurstLimit: throttling.stageBurst,
      },
    });

    this.validator = this.api.addRequestValidator('RequestValidator', {
      // Parameters: the path parameters each method declares required. Bodies: the functions
      // validate them with the zod schemas of the route table, which gives field-level problem
      // details; a model attached to a method later is enforced here as a pre-filter.
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    this.addRoutes(props);

    // One permission per function for the whole stage instead of one per method: a function's
    // resource policy is capped at 20 KB, which per-method statements outgrow at ~60 routes.
    for (const group of new Set([
      ...props.routes.map((route) => route.group),
      props.fallbackGroup,
    ])) {
      props.handlerOf(group).addPermission(`InvokedBy${this.node.id}`, {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        action: 'lambda:InvokeFunction',
        sourceArn: this.api.arnForExecuteApi('*', '/*', apiStageName),
      });
    }

    this.usagePlan = this.api.addUsagePlan('UsagePlan', {
      name: `nexum-${props.tenant}-default`,
      description: 'Per-client throttle for every API key (ADR 0002)',
      // The plan throttles per second; the tenant's limit is per minute.
      throttle: { rateLimit: throttling.requestsPerMinute / 60, burstLimit: throttling.burst },
      apiStages: [{ stage: this.api.deploymentStage }],
    });

    addGatewayProblems(this.api, props.corsOrigins);
    NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging needs the account-wide API Gateway CloudWatch role, which a tenant ' +
          'stack must not own (tenants share accounts). Access logs with request id, status, ' +
          'latency and WAF result are on, and X-Ray traces every request.',
      },
    ]);
  }

  /** The stage ARN, for the WAF association. */
  get stageArn(): string {
    return this.api.deploymentStage.stageArn;
  }

  private addRoutes(props: BankingApiProps): void {
    const resources = new Map<string, apigw.IResource>([['/', this.api.root]]);
    for (const route of props.routes) {
      const resource = this.resourceFor(route.path, resources);
      const method = resource.addMethod(route.method, this.integrationFor(route.group, props), {
        operationName: route.operationId,
        requestValidator: this.validator,
        requestParameters: requiredPathParameters(route.path),
      });
      suppressAuthorization(
        method,
        route.permission === 'public'
          ? `${route.method} ${route.path} is public by contract (shared/contracts/routes).`
          : protectedRouteReason,
      );
    }

    const proxy = this.api.root.addResource('{proxy+}');
    resources.set('/{proxy+}', proxy);
    for (const resource of resources.values()) {
      const fallback = resource.addMethod('ANY', this.integrationFor(props.fallbackGroup, props));
      suppressAuthorization(
        fallback,
        'The fallback only answers 404/405 problem+json; it reads no data.',
      );
    }
    // With `*/*` as a binary media type, API Gateway treats the preflight's mock integration as
    // binary and fails it with a 500 unless the integration converts to text.
    for (const method of this.api.methods) {
      const cfn = method.node.defaultChild;
      if (method.httpMethod !== 'OPTIONS' || !(cfn instanceof apigw.CfnMethod)) continue;
      cfn.addPropertyOverride('Integration.ContentHandling', 'CONVERT_TO_TEXT');
      cfn.addPropertyOverride(
        'Integration.IntegrationResponses.0.ContentHandling',
        'CONVERT_TO_TEXT',
      );
    }
  }

  private resourceFor(path: string, resources: Map<string, apigw.IResource>): apigw.IResource {
    let current = this.api.root;
    let currentPath = '';
    for (const segment of path.split('/').filter((part) => part.length > 0)) {
      currentPath += `/${segment}`;
      const existing = resources.get(currentPath);
      current = existing ?? current.addResource(segment);
      resources.set(currentPath, current);
    }
    return current;
  }

  private integrationFor(group: EndpointGroup, props: BankingApiProps): apigw.Integration {
    const existing = this.integrations.get(group);
    if (existing !== undefined) return existing;
    // AwsIntegration instead of LambdaIntegration: the latter adds a permission per method.
    const integration = new apigw.AwsIntegration({
      proxy: true,
      service: 'lambda',
      path: `2015-03-31/functions/${props.handlerOf(group).functionArn}/invocations`,
    });
    this.integrations.set(group, integration);
    return integration;
  }
}

function corsPreflight(origins: readonly string[]): apigw.CorsOptions {
  return {
    allowOrigins: origins.includes('*') ? apigw.Cors.ALL_ORIGINS : [...origins],
    allowMethods: [...corsPolicy.allowMethods],
    allowHeaders: [...corsPolicy.allowHeaders],
    maxAge: Duration.seconds(corsPolicy.maxAgeSeconds),
    allowCredentials: false,
  };
}

/** `{name}` segments as required path parameters, so the validator checks them. */
function requiredPathParameters(path: string): Record<string, boolean> {
  const parameters: Record<string, boolean> = {};
  for (const match of path.matchAll(/\{([A-Za-z0-9]+)\+?\}/g)) {
    parameters[`method.request.path.${match[1] ?? ''}`] = true;
  }
  return parameters;
}

function accessLogFormat(): apigw.AccessLogFormat {
  const field = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: field.contextRequestId(),
      extendedRequestId: field.contextExtendedRequestId(),
      requestTime: field.contextRequestTime(),
      ip: field.contextIdentitySourceIp(),
      userAgent: field.contextIdentityUserAgent(),
      method: field.contextHttpMethod(),
      resourcePath: field.contextResourcePath(),
      path: field.contextPath(),
      status: field.contextStatus(),
      responseLength: field.contextResponseLength(),
      latencyMs: field.contextResponseLatency(),
      integrationLatencyMs: field.contextIntegrationLatency(),
      integrationStatus: field.contextIntegrationStatus(),
      errorType: field.contextErrorResponseType(),
      wafStatus: field.contextWafResponseCode(),
      xrayTraceId: field.contextXrayTraceId(),
      apiKeyId: field.contextIdentityApiKeyId(),
    }),
  );
}

/**
 * Why a route that requires a permission has no API Gateway authorizer: the function verifies the
 * token itself, in the middleware every function shares, before it runs any handler.
 */
export const protectedRouteReason =
  "JWT bearer tokens (ES256, KMS-signed) are verified and the route's permission checked by the " +
  'shared edge middleware in the function before any handler runs ' +
  '(shared/http/middleware/edge-response.ts); ADR 0005';

/**
 * Authentication is not API Gateway's job here (ADR 0002, ADR 0005): every method is either public
 * by contract or protected by the shared edge middleware, so each gets the APIG4/COG4 suppression
 * with the reason that applies. A Lambda authorizer could be added later for defence in depth and
 * for API-key-based usage plans.
 */
function suppressAuthorization(method: apigw.Method, reason: string): void {
  const sentence = reason.endsWith('.') ? reason : `${reason}.`;
  NagSuppressions.addResourceSuppressions(method, [
    { id: 'AwsSolutions-APIG4', reason },
    {
      id: 'AwsSolutions-COG4',
      reason: `${sentence} Cognito is not the identity provider: Nexum issues its own tokens.`,
    },
  ]);
}
