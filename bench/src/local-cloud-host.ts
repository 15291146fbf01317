/**
 * Child-process entry that runs the local cloud for the bench, so its memory can be
 * measured as one process tree apart from the load generator. Talks over IPC:
 * sends `ready` with the URLs, answers `codes` with the confirmation codes, exits on `stop`
 * (or when the parent goes away).
 */
import { cognitoService, portSpecs, startLocalCloud } from '@tasktracker/local';

export type HostMessage =
  | {
      readonly type: 'ready';
      readonly urls: { web: string; api: string; cognito: string; dynamodb: string };
      readonly userPool: { id: string; clientId: string; region: string };
    }
  | { readonly type: 'codes'; readonly codes: { username: string; code: string }[] }
  | { readonly type: 'failed'; readonly message: string };

export type ParentMessage = { readonly type: 'codes' } | { readonly type: 'stop' };

function send(message: HostMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const cloud = await startLocalCloud({
    inMemory: true,
    ports: Object.fromEntries(portSpecs().map((p) => [p.name, 0])),
    log: () => {},
  });
  const cognito = cloud.service(cognitoService);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await cloud.stop();
    process.exit(0);
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'codes') send({ type: 'codes', codes: [...(cognito?.confirmationCodes() ?? [])] });
    if (message.type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  const pool = cognito?.userPools()[0];
  if (!pool) throw new Error('the app has no user pool');
  send({
    type: 'ready',
    urls: {
      web: cloud.url('alb'),
      api: cloud.url('apigateway'),
      cognito: cloud.url('cognito'),
      dynamodb: cloud.url('dynamodb'),
    },
    userPool: { id: pool.id, clientId: pool.clientId, region: pool.region },
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
