/** A variant id from its name (`Hesitant mobile visitor` → `v_hesitant_mobile_visitor`), unique among `taken`. */
export const variantIdFrom = (name: string, taken: string[]): string => {
  const base =
    'v_' +
      name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .slice(0, 48) || 'v_variant';
  let id = base === 'v_' ? 'v_variant' : base;
  for (let n = 2; taken.includes(id); n += 1) id = `${base}_${n}`;
  return id;
};
