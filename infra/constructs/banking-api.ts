import { createHash } from 'node:crypto';
import { Duration, RemovalPolicy, Size, type NestedStack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { corsPolicy } from '../../shared/contracts/cors';
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
  /** The route table: every path of it (and each prefix) becomes a resource of the API. */
  readonly routes: readonly ApiRoute[];
  readonly corsOrigins: readonly string[];
  readonly throttling: ApiThrottling;
  readonly accessLogRetention: logs.RetentionDays;
}

/**
 * The tenant's REST API (ADR 0002): the API itself with its stage, access logs, request validator,
 * usage plan and gateway responses, and one resource per path of the route table plus
 * `/{proxy+}`. It holds no method: methods live in nested stacks (ADR 0007), added through
 * `ApiMethods` (infra/constructs/api-methods.ts) — each route on its group's stack, integrated with
 * the group's function, and on every path an `ANY` fallback to the system function (404/405
 * problem+json) and the CORS preflight.
 *
 * The API has no authorizer: the function of each route verifies the bearer token and checks the
 * route's permission in its shared edge middleware (ADR 0005), so API Gateway passes every request
 * through and the WAF and throttles in front of it bound what unauthenticated callers can cost.
 */
export class BankingApi extends Construct {
  readonly api: apigw.RestApi;
  readonly usagePlan: apigw.UsagePlan;
  readonly accessLogs: logs.LogGroup;
  /** Checks the path parameters each method declares required. */
  readonly validator: apigw.RequestValidator;
  /** The preflight answer of every path. */
  readonly cors: apigw.CorsOptions;
  private readonly resources = new Map<string, apigw.IResource>();

  constructor(scope: Construct, id: string, props: BankingApiProps) {
    super(scope, id);
    const { throttling } = props;
    this.cors = corsPreflight(props.corsOrigins);

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
      // No defaultCorsPreflightOptions: it would put an OPTIONS method on every resource in this
      // stack. The preflights are added by ApiMethods.addPreflight in the path stacks instead.
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

    this.resources.set('/', this.api.root);
    for (const route of props.routes) this.addPath(route.path);
    this.resources.set('/{proxy+}', this.api.root.addResource('{proxy+}'));

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

  /** Every resource path of the API: `/`, each route path and its prefixes, and `/{proxy+}`. */
  get paths(): readonly string[] {
    return [...this.resources.keys()];
  }

  /** The resource at `path`, which must be one of `paths`. */
  resourceAt(path: string): apigw.IResource {
    const resource = this.resources.get(path);
    if (resource === undefined) throw new Error(`The API has no resource for ${path}`);
    return resource;
  }

  /**
   * Makes the stage's deployment wait for the methods of a nested stack: a deployment snapshots
   * the methods that exist when it is created, so it must come after all of them.
   */
  deployAfter(stack: NestedStack): void {
    const deployment = this.api.latestDeployment;
    if (deployment === undefined || stack.nestedStackResource === undefined) {
      throw new Error('The API has no deployment, or the stack is not nested');
    }
    deployment.node.addDependency(stack.nestedStackResource);
  }

  /**
   * Replaces the stage's deployment whenever `fingerprint` changes. API Gateway serves a
   * deployment's snapshot of the methods, and CloudFormation updates a deployment in place
   * without taking a new snapshot, so a changed route must change the deployment's logical id.
   */
  redeployOn(fingerprint: string): void {
    const deployment = this.api.latestDeployment;
    if (deployment === undefined) throw new Error('The API has no deployment');
    deployment.addToLogicalId({ routeTable: fingerprint });
  }

  private addPath(path: string): void {
    let current = this.api.root;
    let currentPath = '';
    for (const segment of path.split('/').filter((part) => part.length > 0)) {
      currentPath += `/${segment}`;
      const existing = this.resources.get(currentPath);
      current = existing ?? current.addResource(segment);
      this.resources.set(currentPath, current);
    }
  }
}

/**
 * A hash of what the deployed API serves: every route (method, path, group, operation id,
 * permission) and the integration settings given. It changes whenever a route or its
 * integration does, and not when the route table is only reordered.
 */
export function routeTableFingerprint(
  routes: readonly ApiRoute[],
  integration: Readonly<Record<string, unknown>>,
): string {
  const rows = routes
    .map((route) =>
      [route.method, route.path, route.group, route.operationId, route.permission].join(' '),
    )
    .sort();
  return createHash('sha256')
    .update(JSON.stringify({ routes: rows, integration }))
    .digest('hex');
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
