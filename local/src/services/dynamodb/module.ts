/** The registry entry of DynamoDB: tables (and `TableV2`'s global tables) served by dynalite. */
import { faultsService } from '../../faults.js';
import { iamService } from '../../iam/module.js';
import { physicalName } from '../../intrinsics/physical-ids.js';
import type { PhysicalIdRule, ServiceModule } from '../../service.js';
import { cloudwatchService } from '../cloudwatch/module.js';
import { LocalDynamoDb, TABLE_TYPES } from './index.js';
import { throttleOnFault } from './throttle.js';
import { unavailableOnFault } from './unavailable.js';

const table: PhysicalIdRule = (resource, arn) => {
  const name = physicalName(resource, 'TableName');
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
  // The front records the capacity each call consumed, as CloudWatch would see it.
  // IAM judges each call as the role whose credentials signed it; faults may throttle it or make
  // the table unavailable.
  dependsOn: [cloudwatchService, iamService, faultsService],
  port: { name: 'dynamodb', default: 8000 },
  endpointEnv: 'DYNAMODB',
  metrics: {
    'AWS/DynamoDB': [
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
      'ThrottledRequests',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
    ],
  },
  create: (ctx) => {
    const metrics = ctx.get(cloudwatchService)?.metrics.sinkFor('dynamodb');
    if (!metrics) return undefined;
    const service = new LocalDynamoDb({
      metrics,
      ids: ctx.ids,
      port: ctx.port,
      ...(ctx.dataDir === undefined ? {} : { dataDir: ctx.dataDir }),
      log: ctx.log,
    });
    if (!service.hasTables) return undefined;
    // Authorization comes before throttling, as on AWS: an unauthorized call is never throttled.
    const iam = ctx.get(iamService);
    if (iam) service.addGuard(iam.dynamoDbGuard());
    const faults = ctx.get(faultsService)?.registry;
    if (faults) {
      throttleOnFault(service, faults);
      unavailableOnFault(service, faults, ctx.log);
    }
    return service;
  },
};
