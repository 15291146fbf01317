/** The local Cognito's codes page, as the web app learns of it from its runtime config. */
import type { Page } from 'playwright-core';
import type { CloudUnderTest } from './cloud.js';

/** Where the local Cognito lists the codes it "e-mailed". */
export function localCodesUrl(cloud: CloudUnderTest): string {
  return `${cloud.urls.cognito}/_local/`;
}

/**
 * Serves the app's `/config.json` with `localCodesUrl` set, as the web server does when it is
 * given LOCAL_CODES_URL. The local cloud does not pass that variable to its web container yet,
 * so the browser tests add it to the config the real server sent.
 */
export async function serveLocalCodesUrl(page: Page, cloud: CloudUnderTest): Promise<string> {
  const url = localCodesUrl(cloud);
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = (await response.json()) as Record<string, unknown>;
    await route.fulfill({ response, json: { ...config, localCodesUrl: url } });
  });
  return url;
}
