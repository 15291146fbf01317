import { describe, expect, it } from 'vitest';
import { externalPackages, looksMinified } from '../src/bundle-size.js';

describe('looksMinified', () => {
  it('tells an esbuild-minified bundle from a readable one', () => {
    const minified = `var a=1;${'function b(c){return c+1}'.repeat(40)}export{b as handler};\n`;
    const readable = 'function handler(event) {\n  return event;\n}\nexport { handler };\n'.repeat(20);
    expect(looksMinified(minified)).toBe(true);
    expect(looksMinified(readable)).toBe(false);
  });
});

describe('externalPackages', () => {
  it('lists the packages a bundle imports rather than contains, not Node built-ins or own files', () => {
    const code =
      'import{a}from"@aws-sdk/client-dynamodb";import{b}from"@aws-sdk/lib-dynamodb/dist";' +
      'import{c}from"node:crypto";import"./chunk.mjs";const d=require("semver");await import("zod");' +
      'const doc={a:"Restore from `}, x",b:\'copied from "a backup"\'}';
    expect(externalPackages(code)).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
      'semver',
      'zod',
    ]);
  });
});
