import { Arn, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** Name of the private ECR repository of the web image; tags are git SHAs. */
export const WEB_IMAGE_REPOSITORY_NAME = 'tasktracker/web';

/**
 * Days an untagged image (a layer set left by an interrupted or replaced push) is kept. Tagged
 * images are never expired: the repository cannot know which tags stages still run (prod may wait
 * for approval on an image thirty commits old), and each costs cents a month (see the cost table).
 */
export const UNTAGGED_IMAGE_EXPIRY_DAYS = 7;

/** Where a stage pulls the web image from, given by ARN and name (not a cross-stage reference). */
export interface ImageRepositoryRef {
  readonly repositoryArn: string;
  readonly repositoryName: string;
}

export interface ImageRepositoryStackProps extends StackProps {
  /** Accounts (other than this stack's) whose ECS tasks pull the image. @default none */
  readonly pullAccounts?: readonly string[];
}

/** The dedicated ECR repository of the web image, shared by every stage; built once, deployed everywhere. */
export class ImageRepositoryStack extends Stack {
  public readonly repository: ecr.Repository;
  /** The repository as stages reference it. */
  public readonly ref: ImageRepositoryRef;

  constructor(scope: Construct, id: string, props: ImageRepositoryStackProps = {}) {
    super(scope, id, props);

    this.repository = new ecr.Repository(this, 'WebImages', {
      repositoryName: WEB_IMAGE_REPOSITORY_NAME,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.AES_256,
      // Images are rebuildable from git, but the running service pulls from here: keep them.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          description: `Expire untagged images after ${UNTAGGED_IMAGE_EXPIRY_DAYS} days; tagged images may still run`,
          maxImageAge: Duration.days(UNTAGGED_IMAGE_EXPIRY_DAYS),
          tagStatus: ecr.TagStatus.UNTAGGED,
        },
      ],
    });

    const pullAccounts = (props.pullAccounts ?? []).filter((account) => account !== this.account);
    if (pullAccounts.length > 0) {
      this.repository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'StageAccountsPull',
          principals: pullAccounts.map((account) => new iam.AccountPrincipal(account)),
          actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        }),
      );
    }

    // Env-agnostic, the ARN is built from pseudo parameters, which resolve to the consuming
    // stack's own account and region: the same ones, when every stack deploys to one account.
    const arn = Arn.format(
      { service: 'ecr', resource: 'repository', resourceName: WEB_IMAGE_REPOSITORY_NAME },
      this,
    );
    this.ref = { repositoryArn: arn, repositoryName: WEB_IMAGE_REPOSITORY_NAME };

    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri });
  }
}
