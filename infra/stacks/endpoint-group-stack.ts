import { NestedStack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EndpointGroup } from '../../shared/contracts/groups';
import { ApiMethods, allowInvocationByApi } from '../constructs/api-methods';
import type { ApiRoute, BankingApi } from '../constructs/banking-api';
import { BankingFunction, type FunctionSettings } from '../constructs/banking-function';
import type { OperationalAlarms } from '../constructs/operational-alarms';
import { wiringOf, type GroupResources } from './group-wiring';

export interface EndpointGroupStackProps {
  readonly group: EndpointGroup;
  /** The group's routes; each becomes a method of `api` integrated with the group's function. */
  readonly routes: readonly ApiRoute[];
  readonly api: BankingApi;
  readonly alarms: OperationalAlarms;
  readonly settings: FunctionSettings;
  readonly resources: GroupResources;
  readonly code: {
    readonly projectRoot: string;
    readonly depsLockFilePath: string;
    readonly handlerEntry: (name: string) => string;
  };
}

/**
 * Everything of one endpoint group (ADR 0007): its function with role, policy and log group, what
 * group-wiring.ts adds to it (grants, schedules), its alarms, the API methods of its routes and
 * the permission that lets the API invoke it. A group's stack grows with its own routes only, so
 * a new route never pushes another group's stack, or the parent, towards a CloudFormation limit.
 */
export class EndpointGroupStack extends NestedStack {
  readonly group: EndpointGroup;
  readonly function: BankingFunction;
  readonly methods: ApiMethods;

  constructor(scope: Construct, id: string, props: EndpointGroupStackProps) {
    const wiring = wiringOf(props.group);
    super(scope, id, {
      description: `Nexum ${props.settings.tenant}: the ${props.group} group's function and routes`,
    });
    this.group = props.group;

    this.function = new BankingFunction(this, 'Function', {
      entry: props.code.handlerEntry(props.group),
      projectRoot: props.code.projectRoot,
      depsLockFilePath: props.code.depsLockFilePath,
      description: wiring.description,
      settings: props.settings,
      environment: wiring.environment(props.resources),
      ...(wiring.afterBundling === undefined ? {} : { afterBundling: wiring.afterBundling }),
    });
    wiring.grant(this.function, props.resources);
    props.alarms.watchFunction(this, props.group, this.function.function);

    this.methods = new ApiMethods(this, 'Routes', props.api);
    for (const route of props.routes) {
      if (route.group !== props.group) {
        throw new Error(
          `${route.method} ${route.path} belongs to ${route.group}, not ${props.group}`,
        );
      }
      this.methods.addRoute(route, this.function.function);
    }
    allowInvocationByApi(props.api, this.function.function);
  }
}
