/** The alarms page: every alarm's state, condition and history; what SNS delivered to the mailbox. */
import { stateBadge } from './dashboard.js';
import { h, note, replace, table, tableOf, time } from './dom.js';
import type { Alarm, AlarmsView, MailboxView } from './views.js';

/** Alarm states, with each alarm's history behind a disclosure. */
export function renderAlarms(root: HTMLElement, view: AlarmsView | undefined): void {
  if (!view) {
    replace(root, note('The local cloud runs no CloudWatch.'));
    return;
  }
  const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.getAttribute('data-alarm')));
  const counts = new Map<string, number>();
  for (const alarm of view.alarms) {
    const state = alarm.notEvaluated ? 'NOT EVALUATED' : alarm.state.replace('_', ' ');
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  replace(
    root,
    h('p', {}, [...counts].map(([state, n]) => `${n} ${state}`).join(' · ') || 'No alarms.'),
    table(
      ['State', 'Alarm', 'Condition', 'History'],
      view.alarms.map((alarm) => [
        stateBadge(alarm.notEvaluated ? 'NOT_EVALUATED' : alarm.state),
        h(
          'span',
          {},
          h('span', { class: 'name' }, alarm.alarmName),
          alarm.description ? h('span', { class: 'muted block' }, alarm.description) : null,
        ),
        alarm.notEvaluated ? `Not evaluated locally: ${alarm.notEvaluated}` : condition(alarm),
        history(alarm, open.has(alarm.alarmName)),
      ]),
      { class: 'alarms-table' },
    ),
  );
}

function condition(alarm: Alarm): string {
  const metric = alarm.expression
    ? (alarm.expression.label ?? alarm.expression.text)
    : (alarm.metrics[0]?.metricName ?? '');
  const operator = new Map([
    ['GreaterThanThreshold', '>'],
    ['GreaterThanOrEqualToThreshold', '≥'],
    ['LessThanThreshold', '<'],
    ['LessThanOrEqualToThreshold', '≤'],
  ]).get(alarm.comparison);
  return `${metric} ${operator ?? alarm.comparison} ${alarm.threshold} for ${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods} × ${alarm.periodSeconds} s`;
}

function history(alarm: Alarm, open: boolean): Node {
  const items = [...alarm.history].reverse();
  if (items.length === 0) return note('No state change yet.');
  return h(
    'details',
    { 'data-alarm': alarm.alarmName, open },
    h(
      'summary',
      {},
      `${items.length} change${items.length === 1 ? '' : 's'}, last `,
      time(items[0]?.time ?? ''),
    ),
    h(
      'ol',
      { class: 'history' },
      ...items.map((item) =>
        h('li', {}, time(item.time), ` ${item.oldState} → ${item.newState}: ${item.reason}`),
      ),
    ),
  );
}

/** The alarm notifications CloudWatch published (the topic's side of each state change). */
export function renderNotifications(root: HTMLElement, view: AlarmsView | undefined): void {
  const sent = [...(view?.notifications ?? [])].reverse().slice(0, 50);
  root.append(
    h('h3', {}, 'Notifications published'),
    tableOf(sent, 'No alarm has notified its topic yet.', ['Time', 'Alarm', 'Change', 'Topic'], (n) => [
      time(n.time),
      n.alarmName,
      `${n.oldState} → ${n.newState}`,
      n.topicArn.split(':').pop() ?? n.topicArn,
    ]),
  );
}

/** The e-mails SNS delivered to the template's e-mail subscriptions, newest first. */
export function renderMailbox(root: HTMLElement, view: MailboxView | undefined): void {
  if (!view) {
    replace(root, note('This local cloud has no SNS mailbox view.'));
    return;
  }
  const open = new Set(
    [...root.querySelectorAll('details[open]')].map((d) => d.getAttribute('data-message')),
  );
  const messages = [...view.messages].reverse().slice(0, 50);
  replace(
    root,
    messages.length === 0
      ? note('No e-mail delivered yet.')
      : h(
          'ul',
          { class: 'mailbox' },
          ...messages.map((m) =>
            h(
              'li',
              {},
              h(
                'details',
                { 'data-message': m.messageId, open: open.has(m.messageId) },
                h(
                  'summary',
                  {},
                  time(m.time),
                  ' ',
                  h('strong', {}, m.subject || '(no subject)'),
                  ` to ${m.to}`,
                ),
                h('p', { class: 'muted' }, `${m.type} from ${m.from}, topic ${m.topicArn}`),
                h('pre', { class: 'message' }, pretty(m.message)),
                m.link
                  ? h(
                      'p',
                      {},
                      h(
                        'a',
                        { href: m.link },
                        m.type === 'SubscriptionConfirmation' ? 'Confirm subscription' : 'Unsubscribe link',
                      ),
                    )
                  : null,
              ),
            ),
          ),
        ),
  );
}

/** JSON messages (CloudWatch's alarm notification) indented; other text as it is. */
function pretty(message: string): string {
  try {
    return JSON.stringify(JSON.parse(message), null, 2);
  } catch {
    return message;
  }
}
