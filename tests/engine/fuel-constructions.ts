/**
 * The most expensive rules we could construct within every static limit (rule depth and size, array and
 * string lengths): each must end within its work budget. Shared by tests/engine/fuel.test.ts (each ends
 * with a `limit_exceeded` error or a value, on both backends) and bench/fuel (how long each takes).
 */
import type { Rule } from '../../engine/src';

export interface Construction {
  name: string;
  rule: Rule;
  data: Record<string, unknown>;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const text = (n: number, char = 'x') => char.repeat(n);

/** A per-item rule as heavy as the size limit allows: many comparisons of the item. */
function heavyItemRule(clauses: number): Rule {
  return { and: Array.from({ length: clauses }, (_, i) => ({ '!=': [{ var: '' }, -1 - i] })) } as Rule;
}

export const CONSTRUCTIONS: readonly Construction[] = [
  {
    // Finding 1 of issue 16 (a 10 KB condition saved by an Editor): `some` over a small array (the 20
    // recently viewed items) wrapping a `reduce` over a literal of 4,900 items that `cat`s onto and `substr`s
    // a 30,000-character accumulator (98,020 iterations, under the former limit of 100,000; 12 s of blocked
    // event loop).
    name: 'reduce cat+substr of a 30k accumulator under some (issue 16, finding 1)',
    rule: {
      some: [
        { var: 'behavior.recentlyViewed' },
        {
          '==': [
            { reduce: [range(4900).map(() => 0), { substr: [{ cat: [{ var: 'accumulator' }, '0123456789'] }, 0, 30_000] }, ''] },
            'never',
          ],
        },
      ],
    } as Rule,
    data: { behavior: { recentlyViewed: range(20).map((i) => `article-${i}`) } },
  },
  {
    name: 'reduce doubling a string to the string limit, then comparing it, in a loop',
    rule: {
      some: [
        { var: 'behavior.recentlyViewed' },
        { '<': [{ reduce: [range(10), { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, text(64)] }, 1] },
      ],
    } as Rule,
    data: { behavior: { recentlyViewed: range(20).map((i) => `article-${i}`) } },
  },
  {
    name: 'substring search of a long string in long strings (in)',
    rule: { some: [{ var: 'items' }, { in: [{ cat: [{ var: '' }, 'b'] }, text(15_000, 'a')] }] } as Rule,
    data: { items: range(10_000).map(() => text(3000, 'a')) },
  },
  {
    name: 'map over 10,000 items with a heavy per-item rule',
    rule: { map: [{ var: 'items' }, heavyItemRule(300)] } as Rule,
    data: { items: range(10_000) },
  },
  {
    name: 'three nested loops of trivial items (100 × 100 × 100)',
    rule: { some: [{ var: 'cube' }, { some: [{ var: '' }, { some: [{ var: '' }, false] }] }] } as Rule,
    data: { cube: range(100).map(() => range(100).map(() => range(100))) },
  },
  {
    name: 'merge doubling an array of references to a long string, then coercing each',
    rule: {
      some: [
        { reduce: [{ var: 'steps' }, { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [{ var: 'long' }]] },
        { '>': [{ var: '' }, 5] },
      ],
    } as Rule,
    data: { steps: range(13), long: ' '.repeat(16_000) + '1' },
  },
  {
    name: 'parseFloat of long numeric strings in a loop',
    rule: { reduce: [{ var: 'items' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] } as Rule,
    data: { items: range(10_000).map(() => ' '.repeat(1600) + '1') },
  },
  {
    name: 'comparing equal long strings pairwise (===)',
    rule: { some: [{ var: 'items' }, { '===': [{ var: '' }, { cat: [{ substr: [{ var: '' }, 0, -1] }, 'x'] }] }] } as Rule,
    data: { items: range(2000).map(() => text(8000) + 'y') },
  },
  {
    name: 'computed var paths of long strings',
    rule: { map: [{ var: 'items' }, { var: { cat: [{ var: '' }, '.x'] } }] } as Rule,
    data: { items: range(10_000).map(() => text(1600, 'a.')) },
  },
  {
    name: 'sem_ver and starts_with on long strings',
    rule: {
      some: [{ var: 'items' }, { or: [{ sem_ver: [{ var: '' }, '>=', '1.0.0'] }, { starts_with: [{ var: '' }, text(1500, '1')] }] }],
    } as Rule,
    data: { items: range(10_000).map(() => text(1600, '1')) },
  },
  {
    name: 'audiences referencing audiences 50 times per level',
    rule: { audience: 'a' } as Rule,
    data: {},
  },
  {
    name: 'fractional hashing a long bucketing value in a loop',
    rule: { map: [{ var: 'items' }, { fractional: [{ var: '' }, ['a', 50], ['b', 50]] }] } as Rule,
    data: { items: range(10_000).map(() => text(1600)) },
  },
];

const fan = (next: string) => ({ and: Array.from({ length: 50 }, () => ({ audience: next })) });

/** Audiences used by the constructions. */
export const CONSTRUCTION_AUDIENCES: Record<string, Rule> = { a: fan('b'), b: fan('c'), c: fan('d'), d: { '==': [1, 1] } } as Record<string, Rule>;
