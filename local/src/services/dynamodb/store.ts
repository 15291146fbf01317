/**
 * The local DynamoDB store: dynalite (the DynamoDB API, in memory or over LevelDB), taught what
 * DynamoDB answers that dynalite 4.0.0 does not.
 *
 * dynalite predates `ReturnValuesOnConditionCheckFailure` (DynamoDB, 2023): it drops the
 * parameter and answers a failed condition without the item. This module teaches dynalite the
 * parameter as DynamoDB defines it: `ALL_OLD` puts the item as it was, if there was one, in the
 * ConditionalCheckFailedException body, read under the same item lock as the condition.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

/** The write operations whose condition failures can return the old item. */
const CONDITIONAL_WRITES = ['putItem', 'updateItem', 'deleteItem'] as const;

interface ConditionalError {
  body: Record<string, unknown>;
}
type CheckConditional = (
  data: Record<string, unknown>,
  existing: unknown,
) => ConditionalError | null | undefined;

let taught = false;

/** Teaches the loaded dynalite `ReturnValuesOnConditionCheckFailure` (idempotent). */
function teachReturnValuesOnConditionCheckFailure(): void {
  if (taught) return;
  const require = createRequire(import.meta.url);
  // Request validation keeps only the parameters an action declares; declare this one.
  for (const action of CONDITIONAL_WRITES) {
    const validation = require(`dynalite/validations/${action}`) as { types: Record<string, unknown> };
    validation.types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  // Every conditional write calls db.checkConditional(request, existingItem) under the item's lock.
  const db = require('dynalite/db') as { checkConditional: CheckConditional };
  const check = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const failure = check(data, existing);
    if (failure && existing && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
      failure.body.Item = existing;
    }
    return failure;
  };
  taught = true;
}

export interface LocalStoreOptions {
  /** LevelDB folder for a persistent store; in memory when omitted. */
  readonly path?: string;
}

/** A dynalite server (not yet listening) that answers conditional writes as DynamoDB does. */
export function createLocalStoreServer(options: LocalStoreOptions = {}): Server {
  teachReturnValuesOnConditionCheckFailure();
  return dynalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
}
