/**
 * Builds DOM from data with text nodes only (never `innerHTML`): every string the console shows
 * comes from the running app — log lines, e-mail bodies, user names — and must stay text.
 */

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (`class`, `aria-*`, …) and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | number | boolean | undefined>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, strings and numbers as text. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function replace(parent: Element, ...children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A short local time for a table cell, with the full ISO time as a machine-readable value. */
export function time(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  return h('time', { datetime: iso }, Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString());
}

/** A table with a caption-less header row; `rows` are cells. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly Child[]>,
  attributes: Readonly<Record<string, string>> = {},
): HTMLTableElement {
  return h(
    'table',
    attributes,
    h('thead', {}, h('tr', {}, ...headers.map((header) => h('th', { scope: 'col' }, header)))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell))))),
  );
}

/** A table of `items`, a row each, or the note `empty` when there are none. */
export function tableOf<T>(
  items: readonly T[],
  empty: string,
  headers: readonly string[],
  row: (item: T) => readonly Child[],
  attributes: Readonly<Record<string, string>> = {},
): HTMLElement {
  return items.length === 0 ? note(empty) : table(headers, items.map(row), attributes);
}

/** A row of filters: each control after its label, the label naming the control by its id. */
export function filters(
  ...fields: ReadonlyArray<readonly [label: string, control: HTMLElement]>
): HTMLDivElement {
  return h(
    'div',
    { class: 'filters' },
    ...fields.flatMap(([label, control]) => [h('label', { for: control.id }, `${label} `), control]),
  );
}

/** A muted one-line note (empty states, what the local cloud does not offer). */
export function note(text: string): HTMLParagraphElement {
  return h('p', { class: 'muted' }, text);
}

let offered: Promise<ReadonlySet<string>> | undefined;

/** The views this local cloud offers, asked once per page (`/_local/` lists them). */
function offeredViews(): Promise<ReadonlySet<string>> {
  offered ??= getJson<{ views: string[] }>('/_local/').then((index) => new Set(index.views));
  return offered;
}

/** Fetches a console view; undefined when this local cloud does not offer it. */
export async function fetchView<T>(name: string): Promise<T | undefined> {
  const path = `/_local/${name}`;
  if (!(await offeredViews()).has(path)) return undefined;
  return getJson<T>(path);
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}
