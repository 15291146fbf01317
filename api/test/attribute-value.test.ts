import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshall, toAttributeValue, unmarshall } from '../src/store/attribute-value.js';

/** Numbers DynamoDB stores and a JavaScript number reads back exactly (no -0: DynamoDB keeps no sign of zero). */
const storableNumber = fc
  .oneof(
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc
      .double({ min: -1e125, max: 1e125, noNaN: true })
      .filter((n) => (n === 0 || Math.abs(n) >= 1e-130) && (!Number.isInteger(n) || Number.isSafeInteger(n))),
  )
  .map((n) => (Object.is(n, -0) ? 0 : n));
/** Values the store keeps. */
const storable = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    storableNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(fc.string({ minLength: 1 }), tie('value')),
  ),
})).value;

describe('attribute values', () => {
  it('reads back every record it writes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), storable), (record) => {
        // Act
        const back = unmarshall(JSON.parse(JSON.stringify(marshall(record))));
        // Assert
        expect(JSON.stringify(back)).toBe(JSON.stringify(record));
      }),
    );
  });

  it('writes each type as DynamoDB JSON names it', () => {
    // Act
    const item = marshall({ s: 'x', n: 1.5, b: true, z: null, l: ['a', 2], m: { k: 'v' }, gone: undefined });
    // Assert
    expect(JSON.parse(JSON.stringify(item))).toEqual({
      s: { S: 'x' },
      n: { N: '1.5' },
      b: { BOOL: true },
      z: { NULL: true },
      l: { L: [{ S: 'a' }, { N: '2' }] },
      m: { M: { k: { S: 'v' } } },
    });
  });

  it('keeps an attribute named __proto__ as data', () => {
    // Act
    const item = unmarshall(JSON.parse('{"__proto__":{"M":{"polluted":{"BOOL":true}}}}'));
    // Assert
    expect(Object.keys(item)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(item)).toBeNull();
  });

  it.each([
    [Number.NaN, 'value: DynamoDB cannot store the number NaN'],
    [1e126, 'value: DynamoDB cannot store the number 1e+126'],
    [5e-324, 'value: DynamoDB cannot store the number 5e-324'],
    [2 ** 53 + 2, 'value: 9007199254740994 is beyond the integers a JavaScript number holds exactly'],
    [[1, undefined], 'value[1]: DynamoDB JSON has no type for undefined'],
    [{ when: new Date(0) }, 'value.when: DynamoDB JSON has no type for an object of class Date'],
    [() => 1, 'value: DynamoDB JSON has no type for a function'],
  ])('refuses %o, naming where it is', (value, message) => {
    // Act
    const write = () => toAttributeValue(value);
    // Assert
    expect(write).toThrow(message);
  });

  it('refuses to read back an integer a JavaScript number cannot hold exactly', () => {
    // Act
    const read = () => unmarshall({ version: { N: '12345678901234567890' } });
    // Assert
    expect(read).toThrow(
      'item.version: 12345678901234567890 is beyond the integers a JavaScript number holds exactly',
    );
  });

  it('refuses a type the store never writes, naming the attribute', () => {
    // Act
    const read = () => unmarshall({ tags: { SS: ['a'] } });
    // Assert
    expect(read).toThrow('item.tags: the store does not read DynamoDB type SS');
  });
});
