/**
 * IAM's wildcard matching: `*` is any run of characters (none included), `?` exactly one.
 * Actions compare without regard to case; ARNs compare case-sensitively, segment by segment for
 * partition, service, region and account, and the resource part as one string (its `*` may span
 * `:` and `/`, as `log-group:name:*` does).
 */

/** Whether `value` matches the wildcard `pattern`. Linear in practice; no regular expressions. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (vi < v.length) {
    const c = p[pi];
    if (c === '*') {
      starAt = pi++;
      resumeAt = vi;
    } else if (c !== undefined && (c === '?' || c === v[vi])) {
      pi++;
      vi++;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Whether an action (`dynamodb:Query`) matches a policy's action pattern (`dynamodb:*`, `*`). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

/** Whether an ARN matches a policy's resource pattern (`arn:aws:dynamodb:*:*:table/T*`, `*`). */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const wanted = arnSegments(pattern);
  const actual = arnSegments(arn);
  if (!wanted || !actual) return wildcardMatch(pattern, arn);
  return wanted.every((segment, i) => wildcardMatch(segment, actual[i] ?? ''));
}

/** `arn`, partition, service, region, account and the resource part; undefined if not an ARN. */
function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
