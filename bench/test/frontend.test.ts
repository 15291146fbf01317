import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { initialAssets, taskListWatcher } from '../src/frontend.js';

describe('initialAssets', () => {
  it('counts the entry script, module preloads and stylesheets, not icons or lazy chunks', () => {
    const html = `<!doctype html><html><head>
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <script type="module" crossorigin src="/assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
      <link rel="stylesheet" crossorigin href="/assets/index-123.css">
    </head><body><div id="root"></div></body></html>`;
    expect(initialAssets(html)).toEqual({
      js: ['/assets/index-abc.js', '/assets/vendor-def.js'],
      css: ['/assets/index-123.css'],
    });
  });
});

describe('taskListWatcher', () => {
  /** Runs the watcher in a page stand-in: list items, a MutationObserver, a clock at 42 ms. */
  function page() {
    const items: { textContent: string }[] = [];
    const dataset: Record<string, string> = {};
    let notify: (() => void) | undefined;
    let disconnected = false;
    const globals = {
      document: { documentElement: { dataset }, querySelectorAll: () => items },
      performance: { now: () => 42 },
      MutationObserver: class {
        constructor(callback: () => void) {
          notify = callback;
        }
        observe() {}
        disconnect() {
          disconnected = true;
        }
      },
    };
    return {
      run: (script: string) => runInNewContext(script, globals),
      addItem: (text: string) => {
        items.push({ textContent: text });
        notify?.();
      },
      dataset,
      disconnected: () => disconnected,
    };
  }

  it('stamps the time the first list item with the marker appears, then stops watching', () => {
    // Arrange
    const marker = 'Task "one" </script>';
    const stand = page();
    stand.run(taskListWatcher(marker));
    // Act
    stand.addItem('another task');
    const before = { ...stand.dataset };
    stand.addItem(`${marker} (due today)`);
    // Assert
    expect(before).toEqual({});
    expect(stand.dataset.benchListShownAt).toBe('42');
    expect(stand.disconnected()).toBe(true);
  });
});
