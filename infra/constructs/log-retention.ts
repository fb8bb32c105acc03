import * as logs from 'aws-cdk-lib/aws-logs';

// The enum's values are the day counts, so a validated number maps to exactly one member.
const retentionByDays = new Map<number, logs.RetentionDays>(
  Object.values(logs.RetentionDays)
    .filter((value): value is logs.RetentionDays => typeof value === 'number')
    .map((value) => [value, value]),
);

/** The CloudWatch Logs retention for a number of days (tenant settings validate the number). */
export function retentionOf(days: number): logs.RetentionDays {
  const retention = retentionByDays.get(days);
  if (retention === undefined) throw new Error(`CloudWatch Logs has no ${days}-day retention`);
  return retention;
}
