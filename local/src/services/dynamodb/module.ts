/** The registry entry of DynamoDB: tables (and `TableV2`'s global tables) served by dynalite. */
import { generatedName, literalProperty } from '../../intrinsics/physical-ids.js';
import type { PhysicalIdRule, ServiceModule } from '../../service.js';
import { LocalDynamoDb, TABLE_TYPES } from './index.js';

const table: PhysicalIdRule = (resource, arn) => {
  const name = literalProperty(resource, 'TableName') ?? generatedName(resource);
  return {
    ref: name,
    attributes: {
      Arn: arn('dynamodb', `table/${name}`),
      StreamArn: arn('dynamodb', `table/${name}/stream/local`),
    },
  };
};

export const dynamodbService: ServiceModule<LocalDynamoDb> = {
  id: 'dynamodb',
  name: 'DynamoDB',
  resourceTypes: TABLE_TYPES,
  physicalIds: Object.fromEntries(TABLE_TYPES.map((type) => [type, table])),
  port: { name: 'dynamodb', default: 8000 },
  endpointEnv: 'DYNAMODB',
  create: (ctx) => {
    const service = new LocalDynamoDb({
      ids: ctx.ids,
      port: ctx.port,
      ...(ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir }),
      log: ctx.log,
    });
    return service.hasTables ? service : undefined;
  },
};
