import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallestMemoryMb } from '../src/cold-start.js';
import { invokeFresh } from '../src/handler-host.js';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'handler-host-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A handler module that holds `mb` MB of touched memory when it answers. */
function handlerHolding(mb: number): string {
  const file = join(dir, `holding-${mb}.mjs`);
  writeFileSync(
    file,
    `export const handler = async () => {
  const held = Buffer.alloc(${mb * MB}, 1);
  return { statusCode: 200, body: String(held.length) };
};
`,
  );
  return file;
}

describe('fresh invocation', () => {
  it("reports the invoked process's own peak RSS, not the size of the process that started it", async () => {
    // Arrange: this process holds more memory than a bare Node process uses.
    const ballast = Buffer.alloc(256 * MB, 1);
    // Act
    const run = await invokeFresh(handlerHolding(0), 'handler', 'bare', {}, {});
    // Assert
    expect(run.peakRssMb).toBeLessThan(ballast.byteLength / MB / 2);
  });

  it('counts what the handler itself allocates', async () => {
    // Arrange
    const bare = await invokeFresh(handlerHolding(0), 'handler', 'bare', {}, {});
    // Act
    const holding = await invokeFresh(handlerHolding(96), 'handler', 'holding', {}, {});
    // Assert
    expect((holding.peakRssMb ?? 0) - (bare.peakRssMb ?? 0)).toBeGreaterThanOrEqual(90);
  });
});

describe('memory choice', () => {
  it.each([
    ['a health check', 45, 3, 128],
    ['a task route', 50, 14, 512],
    ['a function whose peak RSS is over half of 128 MB', 70, 3, 256],
  ])('gives %s (%d MB peak, %d ms first-call CPU) %d MB', (_what, rss, cpu, expected) => {
    // Act
    const chosen = smallestMemoryMb(rss, cpu);
    // Assert
    expect(chosen).toBe(expected);
  });

  it('gives no size to a function whose first call needs more than a vCPU can do in the budget', () => {
    // Act
    const chosen = smallestMemoryMb(50, 80);
    // Assert
    expect(chosen).toBeUndefined();
  });
});
