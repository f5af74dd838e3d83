import { levelsOfCell } from '../../../contracts/src/experiments';

/** A factor as the editor and the results page read it (a draft's or a stored experiment's). */
interface NamedFactor {
  key: string;
  name?: string | null;
  levels: readonly { key: string; name?: string | null; variants?: readonly string[] }[];
}

/** A variant of the target entry with the fields its overrides set. */
export interface VariantFields {
  id: string;
  name: string;
  fields: readonly string[];
}

/** How many cells (arms) the factors make: the product of their numbers of levels (0 without factors). */
export const cellCount = (factors: readonly { levels: readonly unknown[] }[]): number =>
  factors.length === 0 ? 0 : factors.reduce((product, factor) => product * factor.levels.length, 1);

const nameOf = (item: { key: string; name?: string | null }) => item.name?.trim() || item.key;

/**
 * A multivariate cell named by its levels, `Headline: Bold · Button: Strong` (names, or keys where there is none);
 * null when `cell` is not a cell of these factors (an ordinary arm).
 */
export const cellLabel = (factors: readonly NamedFactor[], cell: string): string | null => {
  const levels = levelsOfCell(factors, cell);
  if (!levels) return null;
  return factors
    .map((factor) => {
      const level = factor.levels.find((item) => item.key === levels[factor.key]);
      return `${nameOf(factor)}: ${level ? nameOf(level) : levels[factor.key]}`;
    })
    .join(' · ');
};

/** A level of a factor named by its name (or key), for the results page. */
export const levelName = (factors: readonly NamedFactor[], factorKey: string, levelKey: string): string => {
  const level = factors.find((factor) => factor.key === factorKey)?.levels.find((item) => item.key === levelKey);
  return level ? nameOf(level) : levelKey;
};

export const factorName = (factors: readonly NamedFactor[], factorKey: string): string => {
  const factor = factors.find((item) => item.key === factorKey);
  return factor ? nameOf(factor) : factorKey;
};

/** Two factors whose variants override the same field: when both are served, the later factor's value wins. */
export interface FactorOverlap {
  field: string;
  /** The earlier factor (its value is overridden) and the later one, each with the variant names that set the field. */
  first: { factor: string; variants: string[] };
  second: { factor: string; variants: string[] };
}

/**
 * Every field that variants of two different factors override (docs/experiments.md, "Multivariate": the overrides
 * are merged in factor order, a later factor wins a field both set), one per pair of factors and field, in factor
 * and field order. Variants not among `variants` (not loaded, or gone) are left out.
 */
export const factorOverlaps = (factors: readonly NamedFactor[], variants: readonly VariantFields[]): FactorOverlap[] => {
  const byId = new Map(variants.map((variant) => [variant.id, variant]));
  // Per factor: field → the names of its variants that set it, in level order.
  const fieldsOf = factors.map((factor) => {
    const fields = new Map<string, string[]>();
    for (const level of factor.levels) {
      for (const id of level.variants ?? []) {
        const variant = byId.get(id);
        if (!variant) continue;
        for (const field of variant.fields) {
          const names = fields.get(field) ?? [];
          if (!names.includes(variant.name)) names.push(variant.name);
          fields.set(field, names);
        }
      }
    }
    return fields;
  });
  const overlaps: FactorOverlap[] = [];
  factors.forEach((first, i) => {
    factors.slice(i + 1).forEach((second, offset) => {
      const secondFields = fieldsOf[i + 1 + offset];
      for (const [field, names] of fieldsOf[i]) {
        const others = secondFields.get(field);
        if (others) {
          overlaps.push({ field, first: { factor: nameOf(first), variants: names }, second: { factor: nameOf(second), variants: others } });
        }
      }
    });
  });
  return overlaps;
};
