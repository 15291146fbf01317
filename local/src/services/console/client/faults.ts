/**
 * Fault buttons: inject a fault the local services honour (a throwing handler, latency, throttling,
 * CPU or memory stress) and clear it, through `POST`/`DELETE /_local/faults`. A change carries the
 * token the console put in its page, in the header the page names: another site cannot forge one.
 */
import type { ActiveFault, FaultKindDescription } from '../../../views.js';
import { filters, h, note, replace } from './dom.js';
import type { FaultsView } from './views.js';

/** The token and header a state-changing request needs, from the page's meta tag. */
function credentials(): { header: string; token: string } | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="fault-token"]');
  const header = meta?.dataset.header;
  return meta && header ? { header, token: meta.content } : undefined;
}

/** The fault form (built once, so a refresh keeps the user's choices) and the active faults. */
export class FaultsPanel {
  private readonly kindSelect = h('select', { id: 'fault-kind' });
  private readonly targetSelect = h('select', { id: 'fault-target' });
  private readonly parameters = h('div', { class: 'filters' });
  private readonly status = h('p', { role: 'status', class: 'fault-status' });
  private readonly active = h('div', {});
  private kinds: readonly FaultKindDescription[] = [];
  private shape = '';

  constructor(
    private readonly root: HTMLElement,
    private readonly refresh: () => void,
  ) {
    this.kindSelect.addEventListener('change', () => this.drawKind());
  }

  update(view: FaultsView | undefined): void {
    if (!view || !credentials()) {
      replace(this.root, note('This local cloud offers no fault injection.'));
      return;
    }
    const shape = view.kinds.map((k) => `${k.name}:${k.targets.join(',')}`).join(';');
    if (shape !== this.shape) {
      this.shape = shape;
      this.kinds = view.kinds;
      this.build();
    }
    this.drawActive(view.active);
  }

  private build(): void {
    const chosen = this.kindSelect.value;
    replace(
      this.kindSelect,
      ...this.kinds.map((k) => h('option', { value: k.name, selected: k.name === chosen }, k.name)),
    );
    const form = h(
      'form',
      { class: 'fault-form', 'aria-label': 'Inject a fault' },
      filters(['Fault', this.kindSelect], ['Target', this.targetSelect]),
      this.parameters,
      h(
        'p',
        {},
        h('button', { type: 'submit' }, 'Inject fault'),
        ' ',
        h('button', { type: 'button', id: 'fault-clear-all' }, 'Clear all faults'),
      ),
      this.status,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.inject();
    });
    form.querySelector('#fault-clear-all')?.addEventListener('click', () => void this.clear());
    replace(this.root, form, h('h3', {}, 'Active faults'), this.active);
    this.drawKind();
  }

  /** The selected kind's description, targets and parameters. */
  private drawKind(): void {
    const kind = this.kinds.find((k) => k.name === this.kindSelect.value) ?? this.kinds[0];
    if (!kind) return;
    const chosen = this.targetSelect.value;
    replace(
      this.targetSelect,
      ...kind.targets.map((t) => h('option', { value: t, selected: t === chosen }, t)),
    );
    replace(
      this.parameters,
      h('span', { class: 'muted' }, kind.description),
      ...Object.entries(kind.parameters).map(([name, spec]) => {
        const id = `fault-parameter-${name}`;
        const input =
          spec.type === 'number'
            ? h('input', {
                id,
                name,
                type: 'number',
                min: spec.min,
                max: spec.max,
                value: spec.default,
                'aria-describedby': `${id}-hint`,
              })
            : h(
                'select',
                { id, name, 'aria-describedby': `${id}-hint` },
                ...spec.choices.map((c) => h('option', { value: c, selected: c === spec.default }, c)),
              );
        return h(
          'span',
          {},
          h('label', { for: id }, `${name} `),
          input,
          h('span', { id: `${id}-hint`, class: 'muted' }, ` ${spec.description}`),
        );
      }),
    );
  }

  private drawActive(active: readonly ActiveFault[]): void {
    replace(
      this.active,
      active.length === 0
        ? note('No fault is active.')
        : h(
            'ul',
            { class: 'active-faults' },
            ...active.map((fault) => {
              const button = h(
                'button',
                { type: 'button', 'aria-label': `Clear ${fault.kind} on ${fault.target}` },
                'Clear',
              );
              button.addEventListener('click', () => void this.clear(fault.id));
              const parameters = Object.entries(fault.parameters)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ');
              return h(
                'li',
                {},
                h('strong', {}, fault.kind),
                ` on ${fault.target}${parameters ? ` (${parameters})` : ''} since ${new Date(fault.since).toLocaleTimeString()} `,
                button,
              );
            }),
          ),
    );
  }

  private async inject(): Promise<void> {
    const kind = this.kinds.find((k) => k.name === this.kindSelect.value);
    if (!kind) return;
    const parameters = Object.fromEntries(
      Object.entries(kind.parameters).map(([name, spec]) => {
        const value =
          (this.parameters.querySelector(`[name="${CSS.escape(name)}"]`) as HTMLInputElement | null)?.value ??
          '';
        return [name, spec.type === 'number' ? Number(value) : value];
      }),
    );
    await this.send(
      'POST',
      '/_local/faults',
      { kind: kind.name, target: this.targetSelect.value, parameters },
      `Injected ${kind.name} on ${this.targetSelect.value}.`,
    );
  }

  private async clear(id?: string): Promise<void> {
    await this.send(
      'DELETE',
      id ? `/_local/faults/${encodeURIComponent(id)}` : '/_local/faults',
      undefined,
      id ? 'Fault cleared.' : 'Every fault cleared.',
    );
  }

  private async send(method: string, path: string, body: unknown, done: string): Promise<void> {
    const auth = credentials();
    if (!auth) return;
    const response = await fetch(path, {
      method,
      headers: {
        [auth.header]: auth.token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json().catch(() => ({}))) as { message?: string };
    this.status.textContent = response.ok
      ? done
      : `Refused (${response.status}): ${answer.message ?? response.statusText}`;
    this.refresh();
  }
}
