import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { nagFindings } from '../src/nag.js';

describe('cdk-nag', () => {
  it('finds nothing unacknowledged in the whole app: stages, image repository and pipeline', () => {
    const { app, stages } = buildApp({ validation: false, pipeline: true, imageTag: 'abc1234' });
    app.synth();
    expect(Object.keys(stages)).toEqual(['dev', 'prod']);
    expect(nagFindings(app).map((finding) => `${finding.rule} at ${finding.path}`)).toEqual([]);
  }, 120_000);
});
