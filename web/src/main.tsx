import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createTaskApi } from './api/client.js';
import { createAmplifyAuth } from './auth/auth.js';
import { loadRuntimeConfig } from './load-config.js';
import { RouterProvider } from './router.js';
import { ServicesProvider } from './services.js';
import './styles.css';

async function start(rootElement: HTMLElement): Promise<void> {
  const root = createRoot(rootElement);
  let config: Awaited<ReturnType<typeof loadRuntimeConfig>>;
  try {
    config = await loadRuntimeConfig();
  } catch (error) {
    root.render(
      <main id="main">
        <h1>Task tracker is unavailable</h1>
        <p role="alert">{error instanceof Error ? error.message : 'Could not load the app settings.'}</p>
      </main>,
    );
    return;
  }
  const auth = createAmplifyAuth(config);
  const api = createTaskApi({
    baseUrl: config.apiUrl,
    getToken: () => auth.idToken().catch(() => undefined),
  });
  root.render(
    <StrictMode>
      <ServicesProvider services={{ api, auth, localCodesUrl: config.localCodesUrl }}>
        <RouterProvider>
          <App />
        </RouterProvider>
      </ServicesProvider>
    </StrictMode>,
  );
}

const rootElement = document.getElementById('root');
if (rootElement) void start(rootElement);
