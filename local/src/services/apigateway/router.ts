/** Matches a request path to an API method like API Gateway: static parts, then `{param}`, then `{proxy+}`. */
import type { ApiMethod } from './model.js';

export interface RouteMatch {
  readonly method: ApiMethod;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * The method serving `httpMethod path` (path without the stage), or undefined, which API Gateway
 * answers with 403 Missing Authentication Token.
 */
export function matchRoute(
  methods: readonly ApiMethod[],
  httpMethod: string,
  path: string,
): RouteMatch | undefined {
  const segments = splitPath(path);
  const candidates = [...new Set(methods.map((m) => m.resourcePath))]
    .map((resourcePath) => ({ resourcePath, params: matchPath(splitPath(resourcePath), segments) }))
    .filter((c): c is { resourcePath: string; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => specificity(b.resourcePath) - specificity(a.resourcePath));
  for (const candidate of candidates) {
    const onResource = methods.filter((m) => m.resourcePath === candidate.resourcePath);
    const method =
      onResource.find((m) => m.httpMethod === httpMethod) ?? onResource.find((m) => m.httpMethod === 'ANY');
    if (method)
      return { method, pathParameters: Object.keys(candidate.params).length === 0 ? null : candidate.params };
  }
  return undefined;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part.length > 0);
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i] ?? '';
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (i >= segments.length) return undefined;
      params[greedy[1] ?? 'proxy'] = segments.slice(i).map(decode).join('/');
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(part);
    if (param) params[param[1] ?? ''] = decode(segment);
    else if (part !== decode(segment)) return undefined;
  }
  return pattern.length === segments.length ? params : undefined;
}

/** Longer static prefixes win; a greedy `{proxy+}` loses to anything exact. */
function specificity(resourcePath: string): number {
  return splitPath(resourcePath).reduce((score, part) => {
    if (part.endsWith('+}')) return score;
    return score + (part.startsWith('{') ? 2 : 3);
  }, 0);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
