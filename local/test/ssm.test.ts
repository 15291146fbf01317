/**
 * SSM Parameter Store through the registry: the fixture's `AWS::SSM::Parameter` answers the AWS
 * SDK's GetParameter/GetParameters with its resolved value, from a test and from a function.
 */
import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureCloud } from './support/fixture-cloud.js';

const fixture = useFixtureCloud('ssm');
let ssm: SSMClient;

beforeAll(() => {
  ssm = new SSMClient({
    endpoint: fixture.cloud.url('ssm'),
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return () => ssm.destroy();
});

describe('the local SSM Parameter Store', () => {
  it("answers GetParameter with the template's value, its intrinsics resolved", async () => {
    // Act
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/fixture/greeting' }));
    // Assert
    expect(Parameter).toMatchObject({ Name: '/fixture/greeting', Type: 'String', Version: 1 });
    expect(Parameter?.Value).toMatch(/^hello from Fixture-dev-Data-TableCD117FA1-/);
    expect(Parameter?.ARN).toBe('arn:aws:ssm:eu-west-1:000000000000:parameter/fixture/greeting');
  });

  it('answers an unknown name with ParameterNotFound, as SSM does', async () => {
    await expect(ssm.send(new GetParameterCommand({ Name: '/fixture/nope' }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
  });

  it('answers GetParameters with the found ones and the invalid names', async () => {
    const out = await ssm.send(new GetParametersCommand({ Names: ['/fixture/greeting', 'constructor'] }));
    expect(out.Parameters?.map((p) => p.Name)).toEqual(['/fixture/greeting']);
    expect(out.InvalidParameters).toEqual(['constructor']);
  });

  it('refuses writes: the store holds what the template deploys', async () => {
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/fixture/greeting', Value: 'x', Overwrite: true })),
    ).rejects.toThrow(/read-only \(GetParameter, GetParameters\), not PutParameter/);
  });

  it('is what a function reads with the AWS SDK, found through AWS_ENDPOINT_URL_SSM', async () => {
    // Act: the fixture function calls GetParameter with an SDK client configured with nothing.
    const response = await fetch(new URL('files/greeting', fixture.cloud.url('apigateway')));
    // Assert
    expect(response.status).toBe(200);
    expect(((await response.json()) as { greeting: string }).greeting).toMatch(
      /^hello from Fixture-dev-Data-/,
    );
  });
});
