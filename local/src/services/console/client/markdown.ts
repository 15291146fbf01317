/**
 * The Markdown of a CloudWatch text widget, as DOM: headings, paragraphs, bullet lists, links
 * (http and https only), `code` and **bold**. Everything else stays text; nothing is parsed as HTML.
 */
import { h } from './dom.js';

/** Renders a text widget's Markdown. */
export function renderMarkdown(markdown: string): HTMLElement {
  const root = h('div', { class: 'markdown' });
  let list: HTMLUListElement | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      list ??= root.appendChild(h('ul'));
      list.append(h('li', {}, ...inline(bullet[1] ?? '')));
      continue;
    }
    list = undefined;
    if (heading) {
      // Widget headings sit under the page's h3 (the dashboard's name): start at h4.
      const level = Math.min(6, 3 + (heading[1]?.length ?? 1));
      root.append(h(`h${level}` as 'h4', {}, ...inline(heading[2] ?? '')));
    } else if (line.trim() !== '') {
      root.append(h('p', {}, ...inline(line)));
    }
  }
  return root;
}

/** Inline Markdown: links, code spans and bold, the rest as text. */
function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /\[([^\]]+)\]\(([^)\s]+)\)|`([^`]+)`|\*\*([^*]+)\*\*/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    nodes.push(document.createTextNode(text.slice(at, match.index)));
    const [, label, href, code, bold] = match;
    if (label !== undefined && href !== undefined)
      nodes.push(
        /^https?:\/\//.test(href)
          ? h('a', { href, rel: 'noreferrer' }, label)
          : document.createTextNode(label),
      );
    else if (code !== undefined) nodes.push(h('code', {}, code));
    else if (bold !== undefined) nodes.push(h('strong', {}, bold));
    at = (match.index ?? 0) + match[0].length;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}
