/**
 * The AWS managed policies the local cloud evaluates, shipped as data (their default version's
 * document, as `aws iam get-policy-version` shows it). A role that attaches any other AWS managed
 * policy gets that policy reported as "not evaluated", and what it might allow is not allowed.
 */

/** AWS managed policy documents by name (the part of the ARN after `policy/`, path included). */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [
    'service-role/AWSLambdaBasicExecutionRole',
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: '*',
        },
      ],
    },
  ],
  [
    'AWSXRayDaemonWriteAccess',
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'xray:PutTraceSegments',
            'xray:PutTelemetryRecords',
            'xray:GetSamplingRules',
            'xray:GetSamplingTargets',
            'xray:GetSamplingStatisticSummaries',
          ],
          Resource: ['*'],
        },
      ],
    },
  ],
  [
    'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:DescribeLogGroups',
            'logs:DescribeLogStreams',
            'logs:PutLogEvents',
            'logs:GetLogEvents',
            'logs:FilterLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  ],
]);

/** The name of an AWS managed policy ARN (`arn:aws:iam::aws:policy/<name>`), or undefined. */
export function awsManagedPolicyName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
}

/**
 * The key policy of the AWS managed key `alias/aws/sns`: principals of the account may use it
 * through SNS only. It names no service principal, so CloudWatch cannot publish to a topic it
 * encrypts — and an AWS managed key's policy cannot be changed.
 */
export function awsManagedSnsKeyPolicy(account: string, region: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Allow access through SNS for all principals in the account that are authorized to use SNS',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `sns.${region}.amazonaws.com` },
        },
      },
    ],
  };
}
