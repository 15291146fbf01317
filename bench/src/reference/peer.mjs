// The peer the cold-start budget compares with: a function as most projects ship it. The AWS SDK
// v3 DynamoDB document client loaded from node_modules (as the Lambda runtime provides it), and
// Powertools logger, metrics and tracer through their middy middleware. It reads one task with
// GetItem, like GetTask. Plain JavaScript, not bundled: it runs as it would deploy.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';

const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
const client = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})));

export const handler = middy(async (event) => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: JSON.parse(event.body) }),
  );
  logger.info('read', { found: Item !== undefined });
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? null) };
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
