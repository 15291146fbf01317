/** Environment variables every API function reads; infra sets them from the same names. */
export const API_ENV = {
  tableName: 'TABLE_NAME',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Origin allowed by CORS on every response; `*` when unset. */
  corsAllowedOrigin: 'CORS_ALLOWED_ORIGIN',
  /**
   * The AWS SDKs' standard endpoint override for DynamoDB: the local cloud, tests and benchmarks
   * point functions at the local store with it; never set in AWS.
   */
  dynamodbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
} as const;
