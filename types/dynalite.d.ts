/**
 * dynalite ships no types; this is the part the API tests, the local cloud and the benchmarks
 * use: the factory returns a Node HTTP server speaking the DynamoDB API.
 */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB folder for a persistent store; in memory when omitted. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
