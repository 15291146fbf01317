export * from './password-policy.js';
export * from './task.js';
