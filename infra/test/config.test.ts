import { describe, expect, it } from 'vitest';
import {
  getStageConfig,
  STAGE_NAMES,
  STAGES,
  type StageConfig,
  validateStageConfig,
} from '../src/config/stages.js';

const dev = STAGES.dev as StageConfig;
const prod = STAGES.prod as StageConfig;

describe('stage config', () => {
  it('configures dev and prod, both valid', () => {
    expect(STAGE_NAMES).toEqual(['dev', 'prod']);
    for (const name of STAGE_NAMES) expect(getStageConfig(name).name).toBe(name);
  });

  it('pins no account in code', () => {
    for (const config of Object.values(STAGES)) expect(config.account).toBeUndefined();
  });

  it('retains data and protects the table in prod only', () => {
    expect(prod).toMatchObject({ removalPolicy: 'retain', deletionProtection: true });
    expect(dev).toMatchObject({ removalPolicy: 'destroy', deletionProtection: false });
  });

  it('requires retained, deletion-protected data in every production stage, whatever its name', () => {
    const staging = { ...dev, name: 'staging', production: true };
    expect(() => validateStageConfig(staging)).toThrow(
      'stage "staging": removalPolicy must be "retain" in a production stage',
    );
    expect(() => validateStageConfig({ ...staging, removalPolicy: 'retain' })).toThrow(
      'stage "staging": deletionProtection must be true in a production stage',
    );
    const subscribed = { alarmSubscriptions: { emails: ['oncall@example.com'] } };
    expect(
      validateStageConfig({ ...staging, ...subscribed, removalPolicy: 'retain', deletionProtection: true }),
    ).toBeTruthy();
  });

  it('rejects an unknown stage, listing the valid ones', () => {
    expect(() => getStageConfig('staging')).toThrow('unknown stage "staging" (valid stages: dev, prod)');
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
