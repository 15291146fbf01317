import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { TaskApi } from '../src/api/client.js';
import type { AuthClient } from '../src/auth/auth.js';
import { RouterProvider } from '../src/router.js';
import { ServicesProvider } from '../src/services.js';
import { signedInAuth } from './fake-task-api.js';

/** Renders UI inside the app's providers, at `url`, with the given (fake) services. */
export function renderWithServices(
  ui: ReactNode,
  {
    api,
    auth = signedInAuth,
    url = '/',
    localCodesUrl,
  }: { api: TaskApi; auth?: AuthClient; url?: string; localCodesUrl?: string },
) {
  window.history.replaceState(null, '', url);
  return render(
    <ServicesProvider services={{ api, auth, localCodesUrl }}>
      <RouterProvider>{ui}</RouterProvider>
    </ServicesProvider>,
  );
}
