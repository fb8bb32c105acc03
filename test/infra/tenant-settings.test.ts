import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseEnvironment } from '../../shared/infrastructure/environment';
import {
  availableTenants,
  loadTenantSettings,
  parseTenantSettings,
  TenantSettingsError,
  type TenantSettingsInput,
} from '../../infra/tenant-settings';

const validSettings = (overrides: Partial<TenantSettingsInput> = {}): TenantSettingsInput => ({
  name: 'test-bank',
  region: 'eu-west-1',
  displayName: 'Test Bank',
  baseCurrency: 'EUR',
  branding: { primaryColor: '#123456' },
  limits: { maxSingleTransaction: '1000.00', dailyWithdrawal: '500' },
  rateLimit: { requestsPerMinute: 60, burst: 10 },
  alarmEmail: 'ops@test-bank.example',
  corsOrigins: ['https://app.test-bank.example'],
  logRetentionDays: 90,
  ...overrides,
});

/** The message of the error `action` throws. */
function failureOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof TenantSettingsError) return error.message;
    throw error;
  }
  throw new Error('Expected a TenantSettingsError');
}

describe('tenant settings', () => {
  it('ships demo (environment-agnostic) and acme-credit-union (pinned account and region)', () => {
    const demo = loadTenantSettings('demo');
    const acme = loadTenantSettings('acme-credit-union');

    expect(availableTenants()).toEqual(expect.arrayContaining(['acme-credit-union', 'demo']));
    expect(demo.account).toBeUndefined();
    expect(acme.account).toMatch(/^\d{12}$/);
    expect(acme.region).not.toEqual(demo.region);
    expect(acme.kafka).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    const settings = parseTenantSettings(validSettings({ rateLimit: {} }));

    expect(settings.rateLimit).toEqual({
      requestsPerMinute: 60,
      burst: 20,
      stageRequestsPerSecond: 100,
      stageBurst: 200,
    });
  });

  it('defaults the sign-in and token settings to what the functions assume', () => {
    const settings = parseTenantSettings(validSettings());
    const functionDefaults = parseEnvironment({
      NEXUM_TENANT: 'test-bank',
      NEXUM_TABLE_NAME: 't-main',
    });

    expect(settings.security).toEqual({
      accessTokenTtlSeconds: 900,
      lockoutMaxAttempts: 5,
      lockoutMinutes: 30,
    });
    expect(settings.security).toEqual({
      accessTokenTtlSeconds: functionDefaults.accessTokenTtlSeconds,
      lockoutMaxAttempts: functionDefaults.lockout.maxFailedAttempts,
      lockoutMinutes: functionDefaults.lockout.lockoutMinutes,
    });
  });

  it('fills in the security settings a tenant leaves out', () => {
    const settings = parseTenantSettings(validSettings({ security: { lockoutMinutes: 60 } }));

    expect(settings.security).toEqual({
      accessTokenTtlSeconds: 900,
      lockoutMaxAttempts: 5,
      lockoutMinutes: 60,
    });
  });

  it.each([
    ['the lowest', { accessTokenTtlSeconds: 60, lockoutMaxAttempts: 1, lockoutMinutes: 1 }],
    [
      'the highest',
      { accessTokenTtlSeconds: 3_600, lockoutMaxAttempts: 100, lockoutMinutes: 10_080 },
    ],
  ])('accepts %s security values, which the functions accept too', (_bound, security) => {
    const settings = parseTenantSettings(validSettings({ security }));
    // The variables as the business functions receive them (infra/stacks/group-wiring.ts).
    const environment = parseEnvironment({
      NEXUM_TENANT: 'test-bank',
      NEXUM_TABLE_NAME: 't-main',
      NEXUM_ACCESS_TOKEN_TTL_SECONDS: String(settings.security.accessTokenTtlSeconds),
      NEXUM_LOCKOUT_MAX_ATTEMPTS: String(settings.security.lockoutMaxAttempts),
      NEXUM_LOCKOUT_MINUTES: String(settings.security.lockoutMinutes),
    });

    expect({
      accessTokenTtlSeconds: environment.accessTokenTtlSeconds,
      lockoutMaxAttempts: environment.lockout.maxFailedAttempts,
      lockoutMinutes: environment.lockout.lockoutMinutes,
    }).toEqual(security);
  });

  it.each(['../demo', 'demo/../../etc/passwd', 'Demo', 'd', 'demo.json', ''])(
    'rejects the tenant name %j before touching the file system',
    (name) => {
      expect(failureOf(() => loadTenantSettings(name))).toMatch(/^Invalid tenant name/);
    },
  );

  it('names the available tenants when a tenant has no file', () => {
    const message = failureOf(() => loadTenantSettings('no-such-bank'));

    expect(message).toContain('No settings for tenant "no-such-bank"');
    expect(message).toContain('demo');
    expect(message).toContain('acme-credit-union');
  });

  it('refuses a file whose name field disagrees with its file name', () => {
    const directory = mkdtempSync(join(tmpdir(), 'nexum-tenants-'));
    writeFileSync(join(directory, 'first-bank.json'), JSON.stringify(validSettings()));

    expect(failureOf(() => loadTenantSettings('first-bank', directory))).toContain(
      'declares name "test-bank"',
    );
  });

  it.each<[string, Partial<TenantSettingsInput> | Record<string, unknown>, RegExp]>([
    ['an unknown currency', { baseCurrency: 'EUD' }, /baseCurrency: not an ISO 4217 code/],
    [
      'an amount given as a number',
      { limits: { maxSingleTransaction: 1000, dailyWithdrawal: '1' } },
      /limits\.maxSingleTransaction/,
    ],
    [
      'a zero limit',
      { limits: { maxSingleTransaction: '0.00', dailyWithdrawal: '1' } },
      /greater than zero/,
    ],
    [
      "a rate below WAF's minimum of 10",
      { rateLimit: { requestsPerMinute: 5 } },
      /rateLimit\.requestsPerMinute/,
    ],
    ['"*" mixed with origins', { corsOrigins: ['*', 'https://a.example'] }, /cannot be combined/],
    ['an origin with a path', { corsOrigins: ['https://a.example/app'] }, /corsOrigins\.0/],
    ['a retention CloudWatch does not offer', { logRetentionDays: 31 }, /logRetentionDays/],
    ['a short account id', { account: '12345' }, /account: a 12-digit AWS account id/],
    ['a misspelt key', { alarmEmails: 'x@y.example' }, /alarmEmails/],
    [
      'an access token living longer than an hour',
      { security: { accessTokenTtlSeconds: 3_601 } },
      /security\.accessTokenTtlSeconds/,
    ],
    [
      'a lockout after zero attempts',
      { security: { lockoutMaxAttempts: 0 } },
      /security\.lockoutMaxAttempts/,
    ],
    [
      'a lockout longer than a week',
      { security: { lockoutMinutes: 10_081 } },
      /security\.lockoutMinutes/,
    ],
    ['a misspelt security key', { security: { lockoutMins: 10 } }, /security/],
    [
      'an http logo',
      { branding: { primaryColor: '#123456', logoUrl: 'http://x.example/l.svg' } },
      /branding\.logoUrl/,
    ],
  ])('rejects %s', (_description, overrides, expected) => {
    expect(failureOf(() => parseTenantSettings({ ...validSettings(), ...overrides }))).toMatch(
      expected,
    );
  });

  it('accepts an optional Kafka connection', () => {
    const kafka = {
      clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ledger/abc-123',
      vpcId: 'vpc-0abc',
      subnetIds: ['subnet-0abc', 'subnet-0def'],
      securityGroupId: 'sg-0abc',
      topicPrefix: 'nexum.test-bank',
      bootstrapBrokers: 'b-1.ledger.abc.kafka.eu-west-1.amazonaws.com:9098',
    };

    expect(parseTenantSettings(validSettings({ kafka })).kafka).toEqual(kafka);
  });
});
