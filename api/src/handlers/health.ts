/** `GET /health` (no auth): liveness of the API, without touching the table. */
import { apiHandler } from '../http/handler.js';
import { json } from '../http/response.js';

export const handler = apiHandler('Health', async () => json(200, { status: 'ok' }));
