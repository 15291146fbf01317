import { describe, expect, it } from 'vitest';
import { bytesByPackage, decodeVlq, packageOf } from '../src/source-map.js';

describe('decodeVlq', () => {
  it('decodes signed base64 VLQ fields, including multi-digit ones', () => {
    expect(decodeVlq('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlq('CAAC')).toEqual([1, 0, 0, 1]);
    expect(decodeVlq('D')).toEqual([-1]);
    expect(decodeVlq('gB')).toEqual([16]);
  });

  it('refuses characters outside base64', () => {
    expect(() => decodeVlq('A!')).toThrow("invalid base64 VLQ character '!'");
  });
});

describe('packageOf', () => {
  it('names scoped and plain packages, nested node_modules by the innermost one', () => {
    expect(packageOf('../../node_modules/@smithy/core/dist-es/index.js')).toBe('@smithy/core');
    expect(packageOf('../node_modules/a/node_modules/semver/index.js')).toBe('semver');
    expect(packageOf('../../api/src/handlers/health.ts')).toBe('app');
  });
});

describe('bytesByPackage', () => {
  it('attributes each mapped span of generated code to its source package', () => {
    // One line: columns 0–9 from source 0 (app), 10–29 from source 1 (zod).
    const code = `${'a'.repeat(10)}${'z'.repeat(20)}`;
    const map = { sources: ['../src/app.ts', '../node_modules/zod/index.js'], mappings: 'AAAA,UCAA' };
    expect(bytesByPackage(code, map)).toEqual([
      { name: 'zod', bytes: 20 },
      { name: 'app', bytes: 10 },
    ]);
  });
});
