import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ImageRepositoryStack,
  UNTAGGED_IMAGE_EXPIRY_DAYS,
  WEB_IMAGE_REPOSITORY_NAME,
} from '../src/image-repository.js';
import { testApp } from './support/synth.js';

describe('image repository stack', () => {
  const template = Template.fromStack(new ImageRepositoryStack(testApp(), 'Images'));
  /** The repository as the template has it. */
  const repository = Object.values(template.findResources('AWS::ECR::Repository'))[0];

  it('creates the private web repository: scan on push, immutable tags, lifecycle rule', () => {
    template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryName: WEB_IMAGE_REPOSITORY_NAME,
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
    });
    expect(repository?.Properties.RepositoryPolicyText).toBeUndefined();
  });

  it('never expires a tagged image: a stage may still run it (prod waiting for approval)', () => {
    const policy = JSON.parse(repository?.Properties.LifecyclePolicy.LifecyclePolicyText as string) as {
      rules: Array<{ selection: Record<string, unknown> }>;
    };
    expect(policy.rules.map((rule) => rule.selection)).toEqual([
      {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: UNTAGGED_IMAGE_EXPIRY_DAYS,
      },
    ]);
  });

  it('lets the accounts of other stages pull, and only pull', () => {
    const stack = new ImageRepositoryStack(testApp(), 'Images', {
      env: { account: '111111111111', region: 'eu-west-1' },
      pullAccounts: ['111111111111', '222222222222'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECR::Repository', {
      RepositoryPolicyText: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] },
            },
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          },
        ],
      },
    });
    expect(stack.ref.repositoryArn).toContain(`:repository/${WEB_IMAGE_REPOSITORY_NAME}`);
  });
});
