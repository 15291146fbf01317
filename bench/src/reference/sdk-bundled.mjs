// The alternative the store did not take: the same GetItem with the AWS SDK v3 document client
// bundled and minified into the function (the bench builds it with the API's bundling settings),
// plus Powertools logger and metrics. Its cold start is shown beside the functions' own.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';

const logger = new Logger();
const metrics = new Metrics();
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = middy(async (event) => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: JSON.parse(event.body) }),
  );
  logger.info('read', { found: Item !== undefined });
  return { statusCode: Item ? 200 : 404, body: JSON.stringify(Item ?? null) };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
