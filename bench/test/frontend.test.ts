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
  it('is a self-contained script with the marker safely quoted', () => {
    const script = taskListWatcher('Task "one" </script>');
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain(JSON.stringify('Task "one" </script>'));
  });
});
