/**
 * The slice of the local cloud the browser tests use. Helpers take this shape rather than the
 * local cloud's full type, so they depend only on what a test needs from it.
 */
export interface CloudUnderTest {
  readonly urls: { readonly web: string; readonly api: string; readonly cognito: string };
  readonly userPool: { readonly id: string; readonly clientId: string; readonly region: string };
  /** Codes the local Cognito "sent", oldest first. */
  confirmationCodes(): ReadonlyArray<{ readonly username: string; readonly code: string }>;
}
