import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { apiStageName, type ApiRoute, type BankingApi } from './banking-api';

/**
 * Methods of the tenant's API created in this construct's stack, usually a nested stack, on the
 * resources of the parent's `BankingApi` (ADR 0007). Each resource is referenced through
 * `Resource.fromResourceAttributes` with the real RestApi, so CDK passes the resource, API and
 * validator ids as nested-stack parameters, makes the stage's deployment depend on the nested
 * stack, and folds every method into the deployment's logical id.
 */
export class ApiMethods extends Construct {
  private readonly resources = new Map<string, apigw.IResource>();
  private readonly integrations = new Map<lambda.IFunction, apigw.Integration>();

  constructor(
    scope: Construct,
    id: string,
    private readonly api: BankingApi,
  ) {
    super(scope, id);
  }

  /** The route's method, a Lambda proxy to `handler`, with its path parameters required. */
  addRoute(route: ApiRoute, handler: lambda.IFunction): apigw.Method {
    const method = this.resourceAt(route.path).addMethod(
      route.method,
      this.integrationFor(handler),
      {
        operationName: route.operationId,
        requestValidator: this.api.validator,
        requestParameters: requiredPathParameters(route.path),
      },
    );
    suppressAuthorization(
      method,
      route.permission === 'public'
        ? `${route.method} ${route.path} is public by contract (shared/contracts/routes).`
        : protectedRouteReason,
    );
    return method;
  }

  /**
   * The `ANY` method of a path, sent to `handler` (the system function): API Gateway prefers a
   * path's own methods, so this answers every other method (405 with `Allow`) and, on
   * `/{proxy+}`, every unknown path (404), both in problem+json.
   */
  addFallback(path: string, handler: lambda.IFunction): apigw.Method {
    const fallback = this.resourceAt(path).addMethod('ANY', this.integrationFor(handler));
    suppressAuthorization(
      fallback,
      'The fallback only answers 404/405 problem+json; it reads no data.',
    );
    return fallback;
  }

  /** The CORS preflight of a path: a mock integration answering from the tenant's policy. */
  addPreflight(path: string): apigw.Method {
    const preflight = this.resourceAt(path).addCorsPreflight(this.api.cors);
    // With `*/*` as a binary media type, API Gateway treats the preflight's mock integration as
    // binary and fails it with a 500 unless the integration converts to text.
    const cfn = preflight.node.defaultChild;
    if (!(cfn instanceof apigw.CfnMethod)) throw new Error('A Method without its CfnMethod');
    cfn.addPropertyOverride('Integration.ContentHandling', 'CONVERT_TO_TEXT');
    cfn.addPropertyOverride(
      'Integration.IntegrationResponses.0.ContentHandling',
      'CONVERT_TO_TEXT',
    );
    return preflight;
  }

  /** The API's resource at `path`, referenced from this construct's stack. */
  private resourceAt(path: string): apigw.IResource {
    const known = this.resources.get(path);
    if (known !== undefined) return known;
    const target = this.api.resourceAt(path);
    // The id is the path itself ('/' is the construct path separator): it keeps the logical ids
    // of the methods stable whatever else the route table gains.
    const resource = apigw.Resource.fromResourceAttributes(
      this,
      `Path ${path.replaceAll('/', '|')}`,
      {
        // RestApi declares latestDeployment `| undefined`, IRestApi as optional: the same thing,
        // except under exactOptionalPropertyTypes.
        restApi: this.api.api as apigw.IRestApi,
        resourceId: target.resourceId,
        path,
      },
    );
    this.resources.set(path, resource);
    return resource;
  }

  private integrationFor(handler: lambda.IFunction): apigw.Integration {
    const existing = this.integrations.get(handler);
    if (existing !== undefined) return existing;
    // AwsIntegration instead of LambdaIntegration: the latter adds a permission per method.
    const integration = new apigw.AwsIntegration({
      proxy: true,
      service: 'lambda',
      path: `2015-03-31/functions/${handler.functionArn}/invocations`,
    });
    this.integrations.set(handler, integration);
    return integration;
  }
}

/**
 * Lets the API's stage invoke `handler` through every method, present and future. One permission
 * per function for the whole stage instead of one per method: a function's resource policy is
 * capped at 20 KB, which per-method statements outgrow at ~60 routes.
 */
export function allowInvocationByApi(api: BankingApi, handler: lambda.IFunction): void {
  handler.addPermission(`InvokedBy${api.node.id}`, {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    sourceArn: api.api.arnForExecuteApi('*', '/*', apiStageName),
  });
}

/** `{name}` segments as required path parameters, so the validator checks them. */
function requiredPathParameters(path: string): Record<string, boolean> {
  const parameters: Record<string, boolean> = {};
  for (const match of path.matchAll(/\{([A-Za-z0-9]+)\+?\}/g)) {
    parameters[`method.request.path.${match[1] ?? ''}`] = true;
  }
  return parameters;
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
