import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { readRuntimeConfig } from './server/config.js';

/**
 * `npm run dev -w web`: serves /config.json from the same environment variables the production
 * server reads (API_URL, COGNITO_REGION, …), so the dev server talks to any stage or the local cloud.
 */
function runtimeConfigInDev(): Plugin {
  return {
    name: 'tasktracker-runtime-config',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        try {
          const body = JSON.stringify(readRuntimeConfig(process.env));
          res.setHeader('Content-Type', 'application/json');
          res.end(body);
        } catch (error) {
          res.statusCode = 500;
          res.end(error instanceof Error ? error.message : String(error));
        }
      });
    },
  };
}

// The SPA is stage-agnostic: it reads /config.json at start, so nothing here depends on the stage.
export default defineConfig({
  plugins: [react(), runtimeConfigInDev()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    // The polyfill is unneeded in current browsers and CSP forbids the inline script it would need.
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
