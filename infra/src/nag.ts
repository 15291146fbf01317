import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The cdk-nag rule packs the whole app must pass with zero unacknowledged findings. */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()];
}

/** Registers the packs as synthesis validation plugins: a finding fails `cdk synth`. */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks());
}

/** One unacknowledged finding: rule and construct path. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/** Runs the packs over a synthesized scope and lists every unacknowledged finding. */
export function nagFindings(scope: IConstruct): NagFinding[] {
  return nagPacks().flatMap((pack) =>
    pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        rule: violation.ruleName,
        path: resource.constructPath ?? resource.resourceLogicalId ?? resource.templatePath ?? '(unknown)',
        description: violation.description,
      })),
    ),
  );
}
