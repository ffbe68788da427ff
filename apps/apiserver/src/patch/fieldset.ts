// Field paths and sets of them, in the vocabulary of structured-merge-diff. A path element is
// written exactly as a FieldsV1 key: `f:<field>`, `k:<json of the key fields>` (a keyed list
// item), `v:<json value>` (a set member) or `i:<index>`. A path is its elements joined by '\n'
// (JSON never leaves a raw newline in a key), so a set of paths is a plain Set<string>.
import { canonicalJson } from '@k8ts/api';

export type FieldSet = Set<string>;

const SEP = '\n';
export const MEMBER = '.';

export const joinPath = (elements: readonly string[]): string => elements.join(SEP);
export const splitPath = (path: string): string[] => (path === '' ? [] : path.split(SEP));
export const child = (path: string, element: string): string => (path === '' ? element : `${path}${SEP}${element}`);

/** JSON with object keys sorted, as Go's encoder writes maps (stable `k:` keys). */
export { canonicalJson };

export const fieldElement = (name: string) => `f:${name}`;
export const keyElement = (key: Record<string, unknown>) => `k:${canonicalJson(key)}`;
export const valueElement = (value: unknown) => `v:${canonicalJson(value)}`;

/** True when `path` is `ancestor` or lies below it. */
export const isUnder = (path: string, ancestor: string): boolean =>
  ancestor === '' || path === ancestor || path.startsWith(ancestor + SEP);

export const union = (...sets: FieldSet[]): FieldSet => {
  const out: FieldSet = new Set();
  for (const s of sets) for (const p of s) out.add(p);
  return out;
};
export const difference = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((p) => !b.has(p)));
export const intersection = (a: FieldSet, b: FieldSet): FieldSet => new Set([...a].filter((p) => b.has(p)));
/** Paths of `set` that are neither in nor below any path of `exclude`. */
export const withoutSubtrees = (set: FieldSet, exclude: readonly string[]): FieldSet =>
  new Set([...set].filter((p) => !exclude.some((e) => isUnder(p, e))));

/** `.spec.containers[name="nginx"].image`: how upstream prints a path in conflict errors. */
export function pathString(path: string): string {
  return splitPath(path)
    .map((e) => {
      const body = e.slice(2);
      switch (e.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        }
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

type Tree = Map<string, { member: boolean; children: Tree }>;

/** The FieldsV1 object of a set: children sorted, `"."` marks a member that also has children. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Tree = new Map();
  for (const p of set) {
    let level = root;
    const elements = splitPath(p);
    elements.forEach((e, i) => {
      let node = level.get(e);
      if (!node) level.set(e, (node = { member: false, children: new Map() }));
      if (i === elements.length - 1) node.member = true;
      level = node.children;
    });
  }
  const encode = (tree: Tree): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [e, node] of [...tree].sort(([a], [b]) => compareElements(a, b))) {
      const inner = encode(node.children);
      out[e] = node.member && node.children.size > 0 ? { [MEMBER]: {}, ...inner } : inner;
    }
    return out;
  };
  return encode(root);
}

const elementOrder = (e: string) => ({ 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 })[e.slice(0, 2)] ?? 4;

/** FieldsV1's order of sibling elements: fields, keys, values, indices, each sorted as strings. */
export const compareElements = (a: string, b: string): number => elementOrder(a) - elementOrder(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Reads a FieldsV1 object back into a set; anything malformed is skipped rather than trusted. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const entries = Object.entries(node as Record<string, unknown>);
    if (path !== '' && (entries.length === 0 || MEMBER in node)) out.add(path);
    for (const [e, sub] of entries) if (e !== MEMBER) walk(sub, child(path, e));
  };
  walk(fields, '');
  return out;
}
