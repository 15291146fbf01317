/**
 * Fault injection: the registry refuses what it cannot honour with a message naming the field,
 * and the console's `/_local/faults` changes faults only for a caller with its token, from its
 * own origin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULT_TOKEN_HEADER, FaultError, FaultRegistry } from '../src/faults.js';
import { lambdaService } from '../src/services/lambda/module.js';
import { useFixtureCloud } from './support/fixture-cloud.js';

function registry(): FaultRegistry {
  const faults = new FaultRegistry();
  faults.define({
    name: 'slow',
    description: 'waits',
    targets: () => ['fn'],
    parameters: { delayMs: { type: 'number', description: 'ms', min: 1, max: 1000, default: 10 } },
  });
  return faults;
}

describe('the fault registry', () => {
  it.each([
    [{ kind: 'nope', target: 'fn' }, 'kind must be one of slow.'],
    [{ kind: 'slow', target: 'other' }, 'target of slow must be one of fn.'],
    [
      { kind: 'slow', target: 'fn', parameters: { delayMs: 0 } },
      'parameters.delayMs must be a number from 1 to 1000.',
    ],
    [
      { kind: 'slow', target: 'fn', parameters: { delay: 5 } },
      'parameters.delay is not a parameter of slow (it takes delayMs).',
    ],
    [{ kind: 'slow', target: 'fn', parameters: [] }, 'parameters must be an object.'],
  ])('refuses %j: %s', async (request, message) => {
    await expect(registry().inject(request)).rejects.toThrow(new FaultError(message));
  });

  it('refuses a second fault of one kind on one target with 409', async () => {
    const faults = registry();
    await faults.inject({ kind: 'slow', target: 'fn' });

    await expect(faults.inject({ kind: 'slow', target: 'fn' })).rejects.toMatchObject({ status: 409 });
  });

  it('applies parameter defaults and answers which fault is active on a target', async () => {
    const faults = registry();

    const fault = await faults.inject({ kind: 'slow', target: 'fn' });

    expect(faults.active('slow', 'fn')).toEqual(fault);
    expect(fault.parameters).toEqual({ delayMs: 10 });
  });

  it('clears one fault by id, and says 404 for one that is not active', async () => {
    const faults = registry();
    const fault = await faults.inject({ kind: 'slow', target: 'fn' });

    await faults.clear(fault.id);

    expect(faults.list()).toEqual([]);
    await expect(faults.clear(fault.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("the console's /_local/faults", () => {
  const fixture = useFixtureCloud('faults');
  let token: string;
  let target: string;

  beforeAll(() => {
    const { cloud } = fixture;
    // The banner's link is how a person finds the token; the test reads it the same way.
    const link = cloud
      .describe()
      .flatMap((s) => s.links ?? [])
      .find((l) => l.label.includes(FAULT_TOKEN_HEADER));
    token = /([0-9a-f]{32})/.exec(link?.label ?? '')?.[1] ?? '';
    target = cloud.service(lambdaService)?.configs()[0]?.name ?? '';
  });

  const faultsUrl = () => new URL('/_local/faults', fixture.cloud.url('console'));
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(faultsUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [FAULT_TOKEN_HEADER]: token, ...headers },
      body: JSON.stringify(body),
    });

  it('injects a fault for the holder of the token, lists it, and clears it', async () => {
    // Act
    const created = await post({ kind: 'lambda-latency', target, parameters: { delayMs: 50 } });
    const listed = (await (await fetch(faultsUrl())).json()) as { active: Array<{ id: string }> };
    const cleared = await fetch(faultsUrl(), { method: 'DELETE', headers: { [FAULT_TOKEN_HEADER]: token } });

    // Assert
    expect(created.status).toBe(201);
    const fault = (await created.json()) as { id: string; kind: string };
    expect(listed.active.map((f) => f.id)).toEqual([fault.id]);
    expect(cleared.status).toBe(200);
    expect(((await (await fetch(faultsUrl())).json()) as { active: unknown[] }).active).toEqual([]);
  });

  it('lists the kinds with their targets and parameters', async () => {
    const view = (await (await fetch(faultsUrl())).json()) as {
      kinds: Array<{ name: string; targets: string[] }>;
    };

    expect(view.kinds.map((k) => k.name)).toEqual(
      expect.arrayContaining(['lambda-error', 'lambda-latency', 'dynamodb-throttle']),
    );
    expect(view.kinds.find((k) => k.name === 'lambda-error')?.targets).toContain(target);
  });

  it('refuses a request without the token (401), naming the header', async () => {
    const response = await post({ kind: 'lambda-error', target }, { [FAULT_TOKEN_HEADER]: 'wrong' });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toContain(FAULT_TOKEN_HEADER);
  });

  it.each([[{ origin: 'https://attacker.example' }], [{ 'sec-fetch-site': 'cross-site' }]])(
    'refuses a cross-site request even with the token (403): %j',
    async (headers) => {
      const response = await post({ kind: 'lambda-error', target }, headers);

      expect(response.status).toBe(403);
      expect(((await (await fetch(faultsUrl())).json()) as { active: unknown[] }).active).toEqual([]);
    },
  );

  it('answers a bad fault with 400 and the field, and an unknown id with 404', async () => {
    const bad = await post({ kind: 'lambda-error', target: 'no-such-function' });
    const unknown = await fetch(new URL('/_local/faults/nope', fixture.cloud.url('console')), {
      method: 'DELETE',
      headers: { [FAULT_TOKEN_HEADER]: token },
    });

    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(
      /^target of lambda-error must be one of/,
    );
    expect(unknown.status).toBe(404);
  });
});
