/**
 * The registry entry of IAM: roles, their policies and the resource policies of the template
 * (Lambda permissions, topic policies, key policies), with `Ref`/`GetAtt` as CloudFormation
 * answers them. Other services list it in `dependsOn` and ask it before doing what AWS authorizes.
 */
import { LOCAL_ACCOUNT_ID, literalProperty, physicalName, stableSuffix } from '../intrinsics/physical-ids.js';
import type { PhysicalIdRule, ServiceModule } from '../service.js';
import { LocalIam, POLICY_TYPES } from './index.js';

/** `/`, or the role's or policy's `Path` (`/service-role/`). */
function pathOf(resource: Parameters<PhysicalIdRule>[0]): string {
  return literalProperty(resource, 'Path') ?? '/';
}

/** IAM's unique ids: a four-letter prefix by kind and 17 upper-case alphanumerics. */
function uniqueId(prefix: string, resource: Parameters<PhysicalIdRule>[0]): string {
  return `${prefix}${stableSuffix(`${resource.stack.stackName}/${resource.logicalId}/id`, 17)}`;
}

/** A UUID-shaped key id that stays the same across runs. */
function keyId(resource: Parameters<PhysicalIdRule>[0]): string {
  const hex = Buffer.from(stableSuffix(`${resource.stack.stackName}/${resource.logicalId}`, 24)).toString(
    'hex',
  );
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toLowerCase();
}

export const iamService: ServiceModule<LocalIam> = {
  id: 'iam',
  name: 'IAM',
  resourceTypes: ['AWS::IAM::Role', ...POLICY_TYPES],
  physicalIds: {
    'AWS::IAM::Role': (resource) => {
      const name = physicalName(resource, 'RoleName', 64);
      return {
        ref: name,
        attributes: {
          Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role${pathOf(resource)}${name}`,
          RoleId: uniqueId('AROA', resource),
        },
      };
    },
    'AWS::IAM::Policy': (resource) => ({
      ref: uniqueId('', resource),
      attributes: { Id: uniqueId('', resource) },
    }),
    'AWS::IAM::ManagedPolicy': (resource) => {
      const name = physicalName(resource, 'ManagedPolicyName', 128);
      const arn = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:policy${pathOf(resource)}${name}`;
      return { ref: arn, attributes: { PolicyArn: arn, PolicyId: uniqueId('ANPA', resource) } };
    },
    'AWS::KMS::Key': (resource, arn) => {
      const id = keyId(resource);
      return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
    },
  },
  create: (ctx) => new LocalIam({ ids: ctx.ids, mode: ctx.settings.iam ?? 'enforce', log: ctx.log }),
};
