import type { IConstruct } from 'constructs';

/** Props a construct refused: names the construct's path and every problem found. */
export class ConstructPropsError extends Error {
  constructor(path: string, problems: readonly string[]) {
    super(`${path}: ${problems.join('; ')}`);
    this.name = 'ConstructPropsError';
  }
}

/**
 * Validates a construct's props before it creates anything, in the style of aws-solutions-constructs'
 * `CheckProps`: each entry is a problem message, or a falsy value when that check passed; every
 * problem is reported at once, so one synth shows all of them.
 */
export function checkProps(scope: IConstruct, checks: ReadonlyArray<string | false | undefined>): void {
  const problems = checks.filter((check): check is string => typeof check === 'string');
  if (problems.length > 0) throw new ConstructPropsError(scope.node.path, problems);
}

/** Whether `value` is a browser origin (`https://host[:port]`, no path), the form CORS compares. */
function isOrigin(value: string): boolean {
  return /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(value);
}

/** The problem with an `Access-Control-Allow-Origin` value, for {@link checkProps}; false when fine. */
export function allowedOriginProblem(value: string): string | false {
  return (
    value !== '*' &&
    !isOrigin(value) &&
    `allowedOrigin must be "*" or an origin like https://tasks.example.com (got "${value}")`
  );
}
