/** The helpers services plan an infra live reload with: what came and went, and "no change". */
import { describe, expect, it } from 'vitest';
import { addedAndRemoved, planOf, UNCHANGED } from '../src/service.js';

describe('addedAndRemoved', () => {
  it('lists each name only the new set has, then each only the old one had, under their kind', () => {
    // Arrange + Act
    const lines = addedAndRemoved(['kept', 'gone'], ['kept', 'new', 'newer'], 'table');

    // Assert
    expect(lines).toEqual(['+ table new', '+ table newer', '- table gone']);
  });

  it('writes a name alone when the names say their kind (an API method)', () => {
    // Arrange + Act
    const lines = addedAndRemoved(['GET /gone'], ['GET /new']);

    // Assert
    expect(lines).toEqual(['+ GET /new', '- GET /gone']);
  });
});

describe('planOf', () => {
  it('is the plan that changes nothing when there is no change', () => {
    // Arrange + Act
    const plan = planOf([], () => {
      throw new Error('applied a plan without changes');
    });

    // Assert
    expect(plan).toBe(UNCHANGED);
  });

  it('applies the changes it lists', async () => {
    // Arrange
    const applied: string[] = [];
    const plan = planOf(['+ table new'], () => {
      applied.push('new');
    });

    // Act
    await plan.apply();

    // Assert
    expect(plan.changes).toEqual(['+ table new']);
    expect(applied).toEqual(['new']);
  });
});
