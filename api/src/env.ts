/** Environment variables every API function reads; infra sets them from the same names. */
export const API_ENV = {
  tableName: 'TABLE_NAME',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Origin allowed by CORS on every response; `*` when unset. */
  corsAllowedOrigin: 'CORS_ALLOWED_ORIGIN',
  /** DynamoDB endpoint override for tests and the local cloud; never set in AWS. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
} as const;
