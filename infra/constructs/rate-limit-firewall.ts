import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface RateLimitFirewallProps {
  readonly tenant: string;
  /** Requests one source IP may send per minute before WAF blocks it (WAF's minimum is 10). */
  readonly requestsPerMinute: number;
  /** The API Gateway stage to protect. */
  readonly stageArn: string;
  /** The JSON body of the 429 answer (problem+json, rendered by the caller). */
  readonly rateLimitedBody: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * A regional WAF web ACL on the API stage. Its rate-based rule is the per-client limit that holds
 * before authentication exists (ADR 0002): each source IP gets `requestsPerMinute` over a
 * 60-second window, and is answered 429 (not WAF's default 403) while over it.
 *
 * Two AWS managed groups with a low false-positive rate sit behind it: known-bad inputs (Log4Shell
 * and similar exploit payloads) and Amazon's IP reputation list. The broader Core Rule Set is left
 * out on purpose: its XSS and size rules match ordinary banking JSON (a payment reference with
 * "<", a 10 KiB statement request) and need a COUNT-mode trial against real traffic first.
 */
export class RateLimitFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RateLimitFirewallProps) {
    super(scope, id);
    const prefix = `nexum-${props.tenant}`;

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${prefix}-api`,
      description: `Nexum ${props.tenant}: per-IP rate limit and managed protections for the API`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${prefix}-api`),
      customResponseBodies: {
        'rate-limited': { contentType: 'APPLICATION_JSON', content: props.rateLimitedBody },
      },
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rate-limited',
                // WAF evaluates a 60 s window and cannot compute the exact wait: the window's
                // length is the longest a client must wait, as API.md's Retry-After promises.
                responseHeaders: [{ name: 'Retry-After', value: '60' }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerMinute,
              evaluationWindowSec: 60,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility(`${prefix}-rate-limit-per-ip`),
        },
        managedGroup('AWSManagedRulesKnownBadInputsRuleSet', 1, `${prefix}-known-bad-inputs`),
        managedGroup('AWSManagedRulesAmazonIpReputationList', 2, `${prefix}-ip-reputation`),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

function managedGroup(
  name: string,
  priority: number,
  metricName: string,
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: visibility(metricName),
  };
}
