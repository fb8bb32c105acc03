export interface CloudEvent<T = Record<string, unknown>> {
  readonly specversion: '1.0';
  readonly id: string;          // the outbox event id (stable; consumers dedupe by it)
  readonly source: string;      // `nexum/<tenant>`
  readonly type: string;        // nexum.<aggregate>.<past-tense-verb>
  readonly subject: string;     // `<aggregateType>/<aggregateId>`
  readonly time: string;        // ISO instant
  readonly datacontenttype: 'application/json';
  readonly sequence: string;    // per-aggregate sequence, decimal string
  readonly data: T;
}
