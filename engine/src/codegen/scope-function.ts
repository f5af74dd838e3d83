/**
 * One generated function of one scope: `function fN(s) { ... return <expression>; }`. Every rule scope (the
 * data, an audience's evaluation, each item of map/filter/some/...) gets its own, so `s` is always the
 * current scope. Literal paths are read through `readChain`, which shares prefixes: a prefix read twice or
 * more in the function (`context` of `context.device` and `context.country`) is read once into a local at
 * the start (own-property reads have no side effects; hoisting is off when an `onLog` callback could
 * change the data mid-evaluation). The body holds placeholders for prefixes until `finish` knows the counts.
 */
import { jsString } from './literals';

/** Placeholder delimiter: a control character, which jsString always escapes, so no literal contains it. */
const MARK = '\u0001';
// eslint-disable-next-line no-control-regex -- the control character is the point (see MARK)
const PLACEHOLDER = /\u0001(\d+)\u0001/g;

interface Prefix {
  readonly id: number;
  readonly parent: Prefix | undefined;
  readonly key: string;
  uses: number;
}

/** Keys that can be own properties of a string primitive (indices and `length`). */
function mayBeOwnOfString(key: string): boolean {
  return key === 'length' || /^[0-9]+$/.test(key);
}

/**
 * `container[key]` if it is an own property, else undefined; `container` must be an identifier. The same
 * test as safe-access.ts's ownValueUnchecked (objects and arrays; strings only for index/length keys).
 */
export function ownRead(container: string, key: string): string {
  const k = jsString(key);
  const c = container;
  const test = mayBeOwnOfString(key)
    ? `(typeof ${c} === "object" ? ${c} !== null : typeof ${c} === "string") && hasOwn.call(${c}, ${k})`
    : `typeof ${c} === "object" && ${c} !== null && hasOwn.call(${c}, ${k})`;
  return `(${test} ? ${c}[${k}] : void 0)`;
}

export class ScopeFunction {
  private tempCount = 0;
  private readonly prefixes = new Map<string, Prefix>();
  private readonly ordered: Prefix[] = [];

  constructor(
    readonly name: string,
    private readonly hoist: boolean,
  ) {}

  /** A fresh local variable. */
  temp(): string {
    return `t${this.tempCount++}`;
  }

  /** The value at `segments` (no blocked key, at least one) from `s`, own properties only; undefined when missing. */
  readChain(segments: readonly string[]): string {
    let parent: Prefix | undefined;
    let mapKey = '';
    for (const segment of segments) {
      mapKey += JSON.stringify(segment) + ',';
      let prefix = this.prefixes.get(mapKey);
      if (prefix === undefined) {
        prefix = { id: this.ordered.length, parent, key: segment, uses: 0 };
        this.prefixes.set(mapKey, prefix);
        this.ordered.push(prefix);
      }
      prefix.uses++;
      parent = prefix;
    }
    return `${MARK}${(parent as Prefix).id}${MARK}`;
  }

  /** The function's source, with `body` (an expression) as its result. */
  finish(body: string): string {
    const hoisted = new Map<number, string>();
    const declarations: string[] = [];
    for (const prefix of this.ordered) {
      if (!this.hoist || prefix.uses < 2) continue;
      const name = `p${prefix.id}`;
      declarations.push(`${name} = ${this.inline(prefix, hoisted)}`);
      hoisted.set(prefix.id, name);
    }
    const result = body.replace(PLACEHOLDER, (_match, id: string) => this.ref(this.ordered[Number(id)], hoisted));
    const lines = [`function ${this.name}(s) {`];
    if (this.tempCount > 0) lines.push(`  let ${Array.from({ length: this.tempCount }, (_, i) => `t${i}`).join(', ')};`);
    if (declarations.length > 0) lines.push(`  const ${declarations.join(',\n    ')};`);
    lines.push(`  return ${result};`, '}');
    return lines.join('\n');
  }

  private ref(prefix: Prefix, hoisted: ReadonlyMap<number, string>): string {
    return hoisted.get(prefix.id) ?? this.inline(prefix, hoisted);
  }

  private inline(prefix: Prefix, hoisted: ReadonlyMap<number, string>): string {
    if (prefix.parent === undefined) return ownRead('s', prefix.key);
    const parent = hoisted.get(prefix.parent.id);
    if (parent !== undefined) return ownRead(parent, prefix.key);
    const t = this.temp();
    return `(${t} = ${this.inline(prefix.parent, hoisted)}, ${ownRead(t, prefix.key)})`;
  }
}
