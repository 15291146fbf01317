import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { EXAMPLE_CONFIGURATION, OWN_CONFIGURATION } from './support/config-fixtures.js';
import { NO_BUNDLING } from './support/synth.js';

/** Every context lookup an assembly still needs, nested stage assemblies included. */
function missingContext(assembly: CloudAssembly): string[] {
  return [
    ...(assembly.manifest.missing ?? []).map((missing) => `${missing.provider}: ${missing.key}`),
    ...assembly.nestedAssemblies.flatMap((nested) => missingContext(nested.nestedAssembly)),
  ];
}

/** The app as a deploy builds it (`forDeploy`: example values refused), without validation or bundling. */
function deployBuild(
  configuration: typeof EXAMPLE_CONFIGURATION,
  options: { readonly stages: readonly string[]; readonly pipeline?: boolean },
) {
  return buildApp({ configuration, validation: false, forDeploy: true, context: NO_BUNDLING, ...options });
}

describe('the app for a known account, as the pipeline synthesizes it', () => {
  it('needs no context lookup: CodeBuild (and a laptop without credentials) could not make one', () => {
    // Arrange
    const { app } = buildApp({
      validation: false,
      pipeline: true,
      env: { account: '123456789012', region: 'us-east-1' },
      context: NO_BUNDLING,
    });
    // Act
    const missing = missingContext(app.synth());
    // Assert
    expect(missing).toEqual([]);
  }, 120_000);

  it('refuses a deploy assembly while a built stage holds a committed example value', () => {
    const build = () => deployBuild(EXAMPLE_CONFIGURATION, { stages: ['prod'] });
    expect(build).toThrow('stage "prod": domain.name is the committed example "tasks.example.com"');
  });

  it('refuses a deploy assembly of the pipeline while its repository is the committed example', () => {
    const build = () => deployBuild(EXAMPLE_CONFIGURATION, { stages: ['dev'], pipeline: true });
    expect(build).toThrow('pipeline config: repository is the committed example "example-org/tasktracker"');
  });

  it('accepts a deploy assembly of a stage whose example values were replaced', () => {
    const { stages } = deployBuild(OWN_CONFIGURATION, { stages: ['prod'] });
    expect(Object.keys(stages)).toEqual(['prod']);
  });
});
