/**
 * Keyed input a client controls — query names, header names, path segments, body keys — never
 * reaches `Object.prototype` in the local gateway: names like `__proto__` or `constructor` are
 * ordinary names, and no such request earns a 5xx.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_NAMES } from './support/built-in-names.js';
import { useFixtureCloud } from './support/fixture-cloud.js';

const fixture = useFixtureCloud('hostile');

/** One raw request (no client-side header normalisation), answering its status. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  const { hostname, port, pathname } = new URL(fixture.cloud.url('apigateway'));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method, path: `${pathname.replace(/\/$/, '')}${path}`, headers },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const name = fc.oneof(fc.constantFrom(...BUILT_IN_NAMES), fc.stringMatching(/^[A-Za-z_][\w-]{0,15}$/));

describe('the local gateway with hostile keyed input', () => {
  it('answers no 5xx to built-in names as query parameters, headers or path segments', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, name, async (query, header, segment) => {
        const statuses = await Promise.all([
          send('GET', `/public?${encodeURIComponent(query)}=1&${encodeURIComponent(query)}=2`, {}),
          send('GET', '/public', { [header]: 'x' }),
          send('GET', `/files/${encodeURIComponent(segment)}`, {}),
          send('GET', `/${encodeURIComponent(segment)}/x`, {}),
          send('GET', `/modes/${encodeURIComponent(segment)}`, { authorization: segment }),
        ]);
        expect(statuses.filter((status) => status >= 500)).toEqual([]);
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });

  it("refuses a body key the model does not declare with the validator's 400, whatever its name", async () => {
    await fc.assert(
      fc.asyncProperty(name, async (key) => {
        const status = await send(
          'POST',
          '/items',
          { 'content-type': 'application/json' },
          `{"title":"t","${key}":1}`,
        );
        expect(status).toBe(key === 'title' ? 200 : 400);
      }),
      { numRuns: 60, seed: 20261127 },
    );
  });

  it('passes a query parameter named __proto__ to the function as an ordinary parameter', async () => {
    const { pathname, origin } = new URL(fixture.cloud.url('apigateway'));
    const response = await fetch(`${origin}${pathname}files/echo?__proto__=1&constructor=2`);
    const { event } = (await response.json()) as { event: { queryStringParameters: Record<string, string> } };
    expect(Object.entries(event.queryStringParameters)).toEqual([
      ['__proto__', '1'],
      ['constructor', '2'],
    ]);
  });
});
