/** Reads what `cdk synth` wrote: the validation report and the stacks of the cloud assembly. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ValidationReport {
  readonly pluginReports?: ReadonlyArray<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly violatingConstructs?: ReadonlyArray<{ readonly constructPath?: string }>;
    }>;
  }>;
}

/** Every finding of the synth's validation report (cdk-nag, CloudFormation rules), one line each. */
export function validationFailures(outdir: string): string[] {
  let report: ValidationReport;
  try {
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
  } catch {
    return [];
  }
  return (report.pluginReports ?? []).flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      (violation.violatingConstructs ?? [{}]).map(
        (construct) => `${violation.ruleName} at ${construct.constructPath ?? '(unknown path)'}`,
      ),
    ),
  );
}

interface Manifest {
  readonly artifacts: Record<
    string,
    {
      readonly type: string;
      readonly displayName?: string;
      readonly properties?: { readonly directoryName?: string };
    }
  >;
}

/** Display names of every stack in a cloud assembly, nested stage assemblies included. */
export function listStacks(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.entries(manifest.artifacts).flatMap(([id, artifact]) => {
    if (artifact.type === 'aws:cloudformation:stack') return [artifact.displayName ?? id];
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      return listStacks(join(outdir, artifact.properties.directoryName));
    }
    return [];
  });
}
