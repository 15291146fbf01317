import { describe, expect, it } from 'vitest';
import { nagFindings } from '../src/nag.js';
import { configuredApp } from './support/synth.js';

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the whole app: stages, image repository and pipeline', () => {
    // Rules read templates only: bundling the functions would add nothing.
    const { app, stages } = configuredApp();
    app.synth();
    expect(Object.keys(stages)).toEqual(['dev', 'prod']);
    expect(nagFindings(app).map((finding) => `${finding.rule} at ${finding.path}`)).toEqual([]);
  }, 120_000);
});
