/** The codes page: what the local Cognito "e-mailed", newest first. */
import { h, note, replace, tableOf, time } from './dom.js';
import type { CodeRecord } from './views.js';

export function renderCodes(root: HTMLElement, codes: readonly CodeRecord[] | undefined): void {
  if (!codes) {
    replace(root, note('The local cloud runs no Cognito.'));
    return;
  }
  const newest = [...codes].reverse();
  replace(
    root,
    tableOf(
      newest,
      'No code sent yet: sign up in the app to get one.',
      ['Time', 'User', 'Kind', 'Code', 'User pool'],
      (c) => [time(c.at), c.username, c.kind, h('code', { class: 'code' }, c.code), c.userPoolId],
    ),
  );
}
