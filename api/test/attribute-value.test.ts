import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshall, toAttributeValue, unmarshall } from '../src/store/attribute-value.js';

/** Values the store keeps: JSON without -0 (DynamoDB stores numbers, not their sign of zero). */
const storable = fc
  .jsonValue()
  .map((value) => JSON.parse(JSON.stringify(value).replace(/-0(?![.\d])/g, '0')));

describe('attribute values', () => {
  it('reads back every record it writes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), storable), (record) => {
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
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [Number.NaN, 'value: DynamoDB cannot store the number NaN'],
    [[1, undefined], 'value[1]: DynamoDB JSON has no type for undefined'],
    [{ when: new Date(0) }, 'value.when: DynamoDB JSON has no type for an object of class Date'],
    [() => 1, 'value: DynamoDB JSON has no type for a function'],
  ])('refuses %o, naming where it is', (value, message) => {
    // Act
    const write = () => toAttributeValue(value);
    // Assert
    expect(write).toThrow(message);
  });

  it('refuses a type the store never writes, naming the attribute', () => {
    // Act
    const read = () => unmarshall({ tags: { SS: ['a'] } });
    // Assert
    expect(read).toThrow('item.tags: the store does not read DynamoDB type SS');
  });
});
