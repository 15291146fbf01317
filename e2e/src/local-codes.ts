/** The local Cognito's codes page, as the web app learns of it from its runtime config. */
import type { CloudUnderTest } from './cloud.js';

/** Where the local Cognito lists the codes it "e-mailed" (what the local cloud passes as LOCAL_CODES_URL). */
export function localCodesUrl(cloud: CloudUnderTest): string {
  return `${cloud.urls.cognito}/_local/`;
}
