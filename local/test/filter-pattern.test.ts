import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilterPattern, FilterPatternError } from '../src/services/cloudwatch/filter-pattern.js';

const matches = (pattern: string, event: string): boolean => compileFilterPattern(pattern)(event);

/** One test per case: the pattern, an event, and whether the pattern matches the event. */
function itMatches(cases: ReadonlyArray<readonly [pattern: string, event: string, expected: boolean]>): void {
  it.each(cases)('%s on %s → %s', (pattern, event, expected) => {
    // Arrange + Act
    const result = matches(pattern, event);

    // Assert
    expect(result).toBe(expected);
  });
}

describe('term patterns', () => {
  itMatches([
    ['?"ERROR" ?"Error" ?"error"', '{"level":"ERROR"}', true],
    ['?"ERROR" ?"Error" ?"error"', '{"level":"INFO"}', false],
    ['ERROR timeout', 'ERROR: timeout', true],
    ['ERROR timeout', 'ERROR: refused', false],
    ['ERROR -retry', 'ERROR will retry', false],
    ['', 'anything', true],
  ]);
});

describe('JSON patterns', () => {
  itMatches([
    ['{ $.level = "ERROR" }', '{"level":"ERROR","message":"boom"}', true],
    ['{ $.level = "ERROR" }', '{"level":"INFO","message":"Task error not found"}', false],
    ['{ $.level = "ERROR" }', '{"level":"INFO","message":"{\\"level\\":\\"ERROR\\"}"}', false],
    ['{ $.level = "ERROR" }', 'ERROR {"level":"ERROR"}', false],
    ['{ $.level = "ERROR" }', '{"message":"no level"}', false],
    ['{ $.level = "ERROR" }', '{"level":"error"}', false],
    ['{ $.record.status != "success" }', '{"record":{"status":"timeout"}}', true],
    ['{ $.record.status != "success" }', '{"record":{"status":"success"}}', false],
    ['{ $.record.status != "success" }', '{"record":{}}', false],
    ['{ $.list[1].id = 2 }', '{"list":[{"id":1},{"id":2}]}', true],
    ['{ $.list[1].id = 2 }', '{"list":[{"id":2}]}', false],
    ['{ $.latency > 1000 }', '{"latency":1500}', true],
    ['{ $.latency > 1000 }', '{"latency":"1500"}', false],
    ['{ $.latency <= 1000 }', '{"latency":1000}', true],
    ['{ $.ip != 10.0.* }', '{"ip":"192.168.0.1"}', true],
    ['{ $.ip != 10.0.* }', '{"ip":"10.0.3.4"}', false],
    ['{ $.name = "Describe*" }', '{"name":"DescribeTable"}', true],
    ['{ $.name = "Describe*" }', '{"name":"ListDescribe"}', false],
    ['{ $.x = "*" }', '{"x":0}', true],
    ['{ $.x IS NULL }', '{"x":null}', true],
    ['{ $.x IS TRUE }', '{"x":true}', true],
    ['{ $.x IS FALSE }', '{"x":true}', false],
    ['{ $.x NOT EXISTS }', '{"y":1}', true],
    ['{ $.x NOT EXISTS }', '{"x":null}', false],
    ['{ ($.a = 1) && ($.b = 2) }', '{"a":1,"b":2}', true],
    ['{ ($.a = 1) && ($.b = 2) }', '{"a":1,"b":3}', false],
    ['{ $.a = 1 || $.b = 2 && $.c = 3 }', '{"a":1}', true],
    ['{ ($.a = 1 || $.b = 2) && $.c = 3 }', '{"a":1}', false],
    ['{ (($.t = "x") || ($.t = "y")) && ($.s != "ok") }', '{"t":"y","s":"bad"}', true],
    ['{ $.m = "say \\"hi\\"" }', '{"m":"say \\"hi\\""}', true],
    ['{ $.constructor = "x" }', '{}', false],
  ]);

  it('selects by field, so no text inside another field can satisfy a selector', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('DEBUG', 'INFO', 'WARN'), (message, level) => {
        // Arrange
        const event = JSON.stringify({ level, message, reason: message });

        // Act
        const result = matches('{ $.level = "ERROR" || $.type = "platform.report" }', event);

        // Assert
        expect(result).toBe(false);
      }),
    );
  });

  it('matches a quoted value (\\ escapes " and \\) equal to the field, whatever its characters but *', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('*')),
        (value) => {
          // Arrange
          const pattern = `{ $.field = "${value.replace(/[\\"]/g, '\\$&')}" }`;

          // Act
          const result = matches(pattern, JSON.stringify({ field: value }));

          // Assert
          expect(result).toBe(true);
        },
      ),
    );
  });

  it.each([
    ['{ $.level = "ERROR"', 'expected "}" at the end'],
    ['{ level = "ERROR" }', 'expected a selector before "level"'],
    ['{ $.level "ERROR" }', 'expected a comparison after $.level'],
    ['{ $.latency > "slow" }', '> compares numbers only'],
    ['{ $.level = "ERROR" } x', 'unexpected "x" after the closing brace'],
    ['{ $.msg = %err% }', 'regular-expression values (%…%) are not evaluated by the local cloud'],
    ['{ $.x IS MAYBE }', 'IS must be followed by NULL, TRUE or FALSE'],
  ])('refuses %s, naming the pattern and the problem', (pattern, problem) => {
    // Arrange + Act
    const compile = () => compileFilterPattern(pattern);

    // Assert
    expect(compile).toThrow(FilterPatternError);
    expect(compile).toThrow(`filter pattern ${JSON.stringify(pattern)}: ${problem}`);
  });
});
