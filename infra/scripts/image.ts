/**
 * The laptop deploy's web image step: is the tag already in ECR, and if not, can a local
 * container engine build and push it? Decided before anything deploys, so a deploy never starts
 * with an image that cannot exist, and never re-pushes a tag the immutable repository holds.
 */
import { spawnSync } from 'node:child_process';

/** Container engines tried in order; the first whose daemon answers builds the image. */
export const CONTAINER_ENGINES = ['docker', 'podman', 'finch'] as const;

/** What the deploy does about the web image. */
export type ImagePlan =
  | { readonly action: 'use-existing' }
  | { readonly action: 'build-and-push'; readonly engine: string };

/** No way to get the image: it is not in ECR and nothing here can build it. */
export class ImageUnavailableError extends Error {}

/**
 * Chooses the image step. An image already in ECR is used as is (tags are immutable: a push
 * would fail); a missing one needs a running engine, or the deploy stops with one line.
 */
export function planImage(image: string, inEcr: boolean, engine: string | undefined): ImagePlan {
  if (inEcr) return { action: 'use-existing' };
  if (engine) return { action: 'build-and-push', engine };
  throw new ImageUnavailableError(
    `web image ${image} is not in ECR and no container engine (${CONTAINER_ENGINES.join(', ')}) is running to build it: start one, or push the commit and let the pipeline build it`,
  );
}

/** The first container engine whose daemon answers, if any. */
export function runningContainerEngine(): string | undefined {
  return CONTAINER_ENGINES.find(
    (engine) => spawnSync(engine, ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  );
}

/** The ECR calls the image step makes; the region and credentials come from the SDK's default chain. */
export interface EcrImages {
  /** Whether `repository:tag` exists (false too when the repository itself does not exist yet). */
  exists(repository: string, tag: string): Promise<boolean>;
  /** The registry host and a login password for it. */
  login(): Promise<{ readonly registry: string; readonly password: string }>;
}

/** {@link EcrImages} over the AWS SDK; `region` overrides the default chain's. */
export async function ecrImages(region: string | undefined): Promise<EcrImages> {
  const { DescribeImagesCommand, ECRClient, GetAuthorizationTokenCommand } = await import(
    '@aws-sdk/client-ecr'
  );
  const client = new ECRClient(region ? { region } : {});
  return {
    async exists(repository, tag) {
      try {
        await client.send(
          new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
        );
        return true;
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') return false;
        throw error;
      }
    },
    async login() {
      const { authorizationData } = await client.send(new GetAuthorizationTokenCommand({}));
      const data = authorizationData?.[0];
      if (!data?.authorizationToken || !data.proxyEndpoint)
        throw new Error('ECR returned no authorization token');
      const [, password = ''] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
      return { registry: new URL(data.proxyEndpoint).host, password };
    },
  };
}
