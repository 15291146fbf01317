/**
 * The pipeline's own CodeBuild steps: test + synth, the one web image build per commit, and the
 * post-deployment smoke test. Kept apart from the stack so each step reads as a unit.
 */
import { readFileSync } from 'node:fs';
import type { CfnOutput } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CodeBuildStep, type CodePipelineSource, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import { IMAGE_TAG_ENV } from './config/pipeline.js';

/** Node.js major version of the synth and smoke builds (the web image pins its own). */
export const PIPELINE_NODE_VERSION = '22';

/** The CodeBuild install phase selecting {@link PIPELINE_NODE_VERSION}. */
export const nodeRuntimeBuildSpec = (): codebuild.BuildSpec =>
  codebuild.BuildSpec.fromObject({
    version: '0.2',
    phases: { install: { 'runtime-versions': { nodejs: PIPELINE_NODE_VERSION } } },
  });

/**
 * The environment of a build that tags or deploys the commit: the source action's `CommitId`
 * variable, rather than CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION, which is not the commit
 * for every source type.
 */
export const commitEnv = (source: CodePipelineSource): Record<string, string> => ({
  [IMAGE_TAG_ENV]: source.sourceAttribute('CommitId'),
});

/** Fails the build early, with a readable message, when the source action provided no commit. */
const requireCommit = `test -n "$${IMAGE_TAG_ENV}" || { echo "${IMAGE_TAG_ENV} is empty: cannot tell which commit to tag"; exit 1; }`;

/**
 * Commands of the synth step: the repository's test command (`npm test`) without the browser
 * tests (no browser in the build image: `test:e2e` runs on developer machines). Its synth step
 * runs last and produces the cloud assembly (`infra/cdk.out`) the pipeline deploys: the CDK CLI
 * directly, because it must add this pipeline stack (self-mutation deploys it from the same
 * assembly), refuse committed example values (`deploy=true`) and set the image tag, from the same
 * variable the image step tags with. Validation and cdk-nag run in it as in `npm run synth`; the
 * unit tests synthesize into their own folders.
 */
export const SYNTH_COMMANDS: readonly string[] = [
  requireCommit,
  'npm ci --no-audit --no-fund',
  'npm run lint',
  'npm run typecheck',
  'npm run test:unit',
  `cd infra && npx --no-install cdk synth --quiet --no-notices -c pipeline=true -c deploy=true -c imageTag="$${IMAGE_TAG_ENV}"`,
];

/** Where the synth step leaves the cloud assembly (cdk.json lives in infra/). */
export const SYNTH_OUTPUT_DIRECTORY = 'infra/cdk.out';

/**
 * The pinned CDK CLI version of this repository (infra's devDependency), so the pipeline's
 * self-mutation deploys with the CLI developers synthesize with.
 */
export function repositoryCdkCliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    devDependencies?: Record<string, string>;
  };
  const version = manifest.devDependencies?.['aws-cdk'];
  if (!version) throw new Error('infra/package.json has no aws-cdk devDependency to pin the pipeline CLI to');
  return version;
}

/**
 * Builds web/Dockerfile for ARM64 (the Fargate task's architecture) once per commit, tags it with
 * the commit SHA and pushes it to the private repository. Tags are immutable, so a re-run of the
 * same commit finds the image and skips the build instead of failing the push.
 */
export function webImageStep(source: CodePipelineSource, repository: ecr.IRepository): CodeBuildStep {
  return new CodeBuildStep('BuildWebImage', {
    input: source,
    buildEnvironment: {
      buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
      computeType: codebuild.ComputeType.SMALL,
      privileged: true, // docker build needs the Docker daemon
    },
    env: {
      ...commitEnv(source),
      REPOSITORY_URI: repository.repositoryUri,
      REPOSITORY_NAME: repository.repositoryName,
    },
    commands: [
      requireCommit,
      `IMAGE_TAG="$${IMAGE_TAG_ENV}"`,
      'aws ecr get-login-password | docker login --username AWS --password-stdin "$(echo "$REPOSITORY_URI" | cut -d/ -f1)"',
      // Docker Hub throttles anonymous pulls from shared CodeBuild IPs: take the Dockerfile's own
      // base image from its ECR Public mirror instead.
      `NODE_IMAGE="public.ecr.aws/docker/library/$(sed -n 's/^ARG NODE_IMAGE=//p' web/Dockerfile)"`,
      [
        'if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1;',
        'then echo "web image $IMAGE_TAG is already in ECR: not rebuilt";',
        'else docker build --platform linux/arm64 --build-arg NODE_IMAGE="$NODE_IMAGE" -f web/Dockerfile -t "$REPOSITORY_URI:$IMAGE_TAG" .',
        '&& docker push "$REPOSITORY_URI:$IMAGE_TAG"; fi',
      ].join(' '),
    ],
    rolePolicyStatements: [
      // GetAuthorizationToken has no resource-level permissions: it only yields a registry login.
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      new iam.PolicyStatement({
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:PutImage',
          'ecr:DescribeImages',
        ],
        resources: [repository.repositoryArn],
      }),
    ],
  });
}

/**
 * Runs the repository's smoke test against a freshly deployed stage, with the URLs taken from
 * the stage's stack outputs. Needs no AWS permissions: it only makes HTTP requests.
 */
export function smokeTestStep(input: IFileSetProducer, webUrl: CfnOutput, apiUrl: CfnOutput): CodeBuildStep {
  return new CodeBuildStep('SmokeTest', {
    input,
    envFromCfnOutputs: { WEB_URL: webUrl, API_URL: apiUrl },
    partialBuildSpec: nodeRuntimeBuildSpec(),
    // Scripts are skipped: the smoke test needs the workspace links and tsx, no native builds.
    installCommands: ['npm ci --ignore-scripts --no-audit --no-fund'],
    commands: ['npm run smoke -- --web-url "$WEB_URL" --api-url "$API_URL"'],
  });
}
