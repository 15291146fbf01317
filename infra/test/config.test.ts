import { describe, expect, it } from 'vitest';
import { findExampleValue, isReservedExampleDomain } from '../src/config/examples.js';
import {
  assertStageDeployable,
  getStageConfig,
  STAGE_NAMES,
  STAGES,
  type StageConfig,
  validateStageConfig,
} from '../src/config/stages.js';
import { BARE_DEV, EXAMPLE_PROD, OWN_PROD } from './support/config-fixtures.js';

const dev = STAGES.dev as StageConfig;
const prod = STAGES.prod as StageConfig;

describe('stage config', () => {
  it('configures dev and prod, both valid', () => {
    expect(STAGE_NAMES).toEqual(['dev', 'prod']);
    for (const name of STAGE_NAMES) expect(getStageConfig(name).name).toBe(name);
  });

  it('retains data and protects the table in prod only', () => {
    expect(prod).toMatchObject({ removalPolicy: 'retain', deletionProtection: true });
    expect(dev).toMatchObject({ removalPolicy: 'destroy', deletionProtection: false });
  });

  it('requires retained, deletion-protected data in every production stage, whatever its name', () => {
    const staging = { ...dev, name: 'staging', production: true, domain: prod.domain, email: prod.email };
    expect(() => validateStageConfig(staging)).toThrow(
      'stage "staging": removalPolicy must be "retain" in a production stage',
    );
    expect(() => validateStageConfig({ ...staging, removalPolicy: 'retain' })).toThrow(
      'stage "staging": deletionProtection must be true in a production stage',
    );
    const subscribed = { alarmSubscriptions: { emails: ['oncall@example.com'] } };
    expect(() =>
      validateStageConfig({ ...staging, ...subscribed, removalPolicy: 'retain', deletionProtection: true }),
    ).not.toThrow();
  });

  it('requires a domain in an existing hosted zone in every production stage: real users sign in over HTTPS', () => {
    const { domain: _, ...withoutDomain } = prod;
    expect(() => validateStageConfig({ ...withoutDomain, name: 'live' })).toThrow(
      'stage "live": domain is required in a production stage (an existing Route 53 hosted zone: name, hostedZoneId, zoneName)',
    );
  });

  it("requires SES e-mail in every production stage: Cognito's own sender has a daily quota of a few dozen", () => {
    const { email: _, ...withoutEmail } = prod;
    expect(() => validateStageConfig(withoutEmail)).toThrow(
      'stage "prod": email is required in a production stage',
    );
  });

  it('lets a non-production stage run without a domain (HTTP on the load balancer name) and without SES', () => {
    // Arrange
    const { domain: _domain, email: _email, ...httpOnly } = BARE_DEV;

    // Act + Assert
    expect(validateStageConfig(httpOnly)).toBe(httpOnly);
  });

  it('refuses to deploy a stage holding a committed example value, naming the stage and key', () => {
    // Arrange: the prod stage as shipped, then with one example value after another replaced.
    const ownDomain = { domain: OWN_PROD.domain };
    const ownEmail = { email: { from: 'no-reply@acme-corp.io' } };

    // Act + Assert
    expect(() => assertStageDeployable(EXAMPLE_PROD)).toThrow(
      'stage "prod": domain.name is the committed example "tasks.example.com": set your own in infra/src/config/stages.ts before deploying',
    );
    expect(() => assertStageDeployable({ ...EXAMPLE_PROD, ...ownDomain })).toThrow(
      'stage "prod": email.from is the committed example "no-reply@example.com"',
    );
    expect(() => assertStageDeployable({ ...EXAMPLE_PROD, ...ownDomain, ...ownEmail })).toThrow(
      'stage "prod": alarmSubscriptions.emails[0] is the committed example "oncall@example.com"',
    );
  });

  it('deploys a stage once every example value is replaced, and a stage that never had any', () => {
    expect(() => assertStageDeployable(OWN_PROD)).not.toThrow();
    expect(() => assertStageDeployable(BARE_DEV)).not.toThrow();
  });

  it('treats names under domains reserved for documentation as examples, and only those', () => {
    for (const value of ['example.com', 'tasks.example.org', 'a@example.net', 'app.test', 'x.invalid'])
      expect(isReservedExampleDomain(value), value).toBe(true);
    for (const value of ['acme.io', 'example.acme.io', 'test', 'someone@testing.com', 'Task tracker'])
      expect(isReservedExampleDomain(value), value).toBe(false);
    expect(findExampleValue({ web: { url: 'https://x' }, alarm: 'ops@example.com' })).toEqual({
      key: 'alarm',
      value: 'ops@example.com',
    });
  });

  it('rejects an unknown stage, listing the valid ones', () => {
    expect(() => getStageConfig('staging')).toThrow('unknown stage "staging" (valid stages: dev, prod)');
  });

  it('finds no stage in the names every object inherits', () => {
    for (const name of ['constructor', 'toString', '__proto__'])
      expect(() => getStageConfig(name), name).toThrow(`unknown stage "${name}"`);
  });

  it.each([
    [{ web: { ...prod.web, minCount: 1 } }, 'stage "prod": web.minCount must be an integer ≥ 2'],
    [{ web: { ...prod.web, maxCount: 1 } }, 'stage "prod": web.maxCount must be ≥ web.minCount'],
    [{ web: { ...prod.web, cpu: 300 } }, 'stage "prod": web.cpu must be one of'],
    [
      { web: { ...prod.web, memoryMiB: 512 } },
      'stage "prod": web.memoryMiB must be one of 1024, 2048, 3072, 4096',
    ],
    [{ natGateways: 0 }, 'stage "prod": natGateways must be 1 or 2'],
    [{ logRetentionDays: 10 }, 'stage "prod": logRetentionDays must be one of'],
    [{ account: '1234' }, 'stage "prod": account must be 12 digits'],
    [{ region: 'Europe' }, 'stage "prod": region must be a region name'],
    [
      { alarmSubscriptions: { emails: ['nobody'] } },
      'stage "prod": alarmSubscriptions.emails[0] must be an e-mail address',
    ],
    [
      { removalPolicy: 'destroy' as const },
      'stage "prod": removalPolicy must be "retain" in a production stage',
    ],
    [{ deletionProtection: false }, 'stage "prod": deletionProtection must be true in a production stage'],
    [{ apiThrottle: { rateLimit: 100, burstLimit: 10 } }, 'stage "prod": apiThrottle.burstLimit must be'],
    [
      { domain: { name: 'tasks.other.org', hostedZoneId: 'Z123ABC', zoneName: 'example.com' } },
      'stage "prod": domain.name must be inside domain.zoneName (example.com)',
    ],
    [
      { domain: { name: 'tasks.example.com', hostedZoneId: 'zone-1', zoneName: 'example.com' } },
      'stage "prod": domain.hostedZoneId must be a Route 53 zone id',
    ],
    [{ email: { from: 'nobody' } }, 'stage "prod": email.from must be an e-mail address'],
    [
      { email: { from: 'a@mail.acme.io', sesVerifiedDomain: 'acme.io' } },
      'stage "prod": email.sesVerifiedDomain must be the domain of email.from (a@mail.acme.io)',
    ],
    [
      { email: { from: 'a@acme.io', sesRegion: 'Ireland' } },
      'stage "prod": email.sesRegion must be a region name',
    ],
    [
      { availabilityZones: ['eu-west-1a', 'eu-west-1a'] as const },
      'stage "prod": availabilityZones must be two distinct zones of the stage\'s region',
    ],
    [
      { region: 'eu-west-1', availabilityZones: ['us-east-1a', 'us-east-1b'] as const },
      'stage "prod": availabilityZones must be two distinct zones of the stage\'s region',
    ],
  ])('names the stage and key of a bad value (%#)', (override, message) => {
    expect(() => validateStageConfig({ ...prod, ...override })).toThrow(message);
  });

  it('accepts a domain inside its zone and an alarm e-mail', () => {
    const config = {
      ...prod,
      domain: { name: 'tasks.example.com', hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com' },
      alarmSubscriptions: { emails: ['ops@example.com'] },
    };
    expect(validateStageConfig(config)).toBe(config);
  });
});
