/**
 * `@aws-lite/dynamodb` ships no types of its own: it is a plugin object handed to the aws-lite
 * client, which `@aws-lite/dynamodb-types` then types as `client.DynamoDB`.
 */
declare module '@aws-lite/dynamodb' {
  const plugin: { readonly name: string; readonly service: string };
  export default plugin;
}
