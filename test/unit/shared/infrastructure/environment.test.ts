import { describe, expect, it } from '@jest/globals';
import { EnvironmentError, parseEnvironment } from '../../../../shared/infrastructure/environment';

const valid = {
  NEXUM_TENANT: 'demo',
  NEXUM_TABLE_NAME: 'nexum-demo-main',
  AWS_REGION: 'eu-west-1',
};

describe('parseEnvironment', () => {
  it('reads the settings with their defaults', () => {
    const environment = parseEnvironment(valid);

    expect(environment).toMatchObject({
      tenant: 'demo',
      tableName: 'nexum-demo-main',
      region: 'eu-west-1',
      logLevel: 'info',
      corsOrigins: ['*'],
      maxBodyBytes: 65_536,
      validateResponses: false,
      dynamodbEndpoint: undefined,
      principalCacheTtlSeconds: 30,
    });
  });

  it('reads the event validation mode: log by default, strict on request, nothing else', () => {
    expect(parseEnvironment(valid).eventValidation).toBe('log');
    expect(parseEnvironment({ ...valid, NEXUM_EVENT_VALIDATION: 'strict' }).eventValidation).toBe(
      'strict',
    );
    expect(() => parseEnvironment({ ...valid, NEXUM_EVENT_VALIDATION: 'off' })).toThrow(
      /NEXUM_EVENT_VALIDATION/,
    );
  });

  it('reads the principal cache TTL, 0 turning the cache off, and refuses a negative one', () => {
    expect(
      parseEnvironment({ ...valid, NEXUM_PRINCIPAL_CACHE_TTL_SECONDS: '0' })
        .principalCacheTtlSeconds,
    ).toBe(0);
    expect(() => parseEnvironment({ ...valid, NEXUM_PRINCIPAL_CACHE_TTL_SECONDS: '-1' })).toThrow(
      /NEXUM_PRINCIPAL_CACHE_TTL_SECONDS/,
    );
  });

  it('fails at start naming every missing or malformed variable', () => {
    const parse = () =>
      parseEnvironment({
        NEXUM_TENANT: 'Bad Tenant!',
        NEXUM_LOG_LEVEL: 'loud',
        NEXUM_MAX_BODY_BYTES: 'big',
      });

    expect(parse).toThrow(EnvironmentError);
    expect(parse).toThrow(/NEXUM_TABLE_NAME/);
    expect(parse).toThrow(/NEXUM_TENANT/);
    expect(parse).toThrow(/NEXUM_LOG_LEVEL/);
    expect(parse).toThrow(/NEXUM_MAX_BODY_BYTES/);
  });

  it('splits the CORS origins and reads boolean flags strictly', () => {
    const environment = parseEnvironment({
      ...valid,
      NEXUM_CORS_ORIGINS: 'https://a.example, https://b.example',
      NEXUM_VALIDATE_RESPONSES: '1',
    });

    expect(environment.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(environment.validateResponses).toBe(true);
    expect(() => parseEnvironment({ ...valid, NEXUM_VALIDATE_RESPONSES: 'yes' })).toThrow(
      /NEXUM_VALIDATE_RESPONSES/,
    );
  });
});
