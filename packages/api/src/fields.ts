// Field selectors as apimachinery's pkg/fields: `a=b,c==d,e!=f` with backslash escapes in values.
// Which fields a kind accepts, and what they read, lives in field-labels.ts.
import { badRequest } from './errors.ts';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** true when it matches everything */
  readonly empty: boolean;
  /** `fields` as selectableFields returns them; a missing field reads as ''. */
  matches(fields: Readonly<Record<string, string>>): boolean;
  toString(): string;
  /** value of a `field=` requirement if the selector pins it (e.g. 'spec.nodeName'), for index use */
  exactValue(field: string): string | undefined;
}

/** Escapes `\`, `,` and `=` so a literal value survives a round trip through the parser. */
export const escapeFieldValue = (s: string): string => s.replace(/[\\,=]/g, (c) => `\\${c}`);

/** The inverse of escapeFieldValue; throws upstream's message on a bad sequence or a bare `,`/`=`. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Upstream formats the rune with %v, which prints its code point.
      throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not preceded by an escaping backslash. */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// `==` is tried before `=` so its second character does not end up in the value.
const TERM_OPS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, (typeof TERM_OPS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

class Selector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  constructor(reqs: FieldRequirement[]) {
    this.requirements = Object.freeze(reqs);
  }
  get empty(): boolean {
    return this.requirements.length === 0;
  }
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => ((fields[r.field] ?? '') === r.value) === (r.op === '='));
  }
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.op}${escapeFieldValue(r.value)}`).join(',');
  }
  exactValue(field: string): string | undefined {
    return this.requirements.find((r) => r.op === '=' && r.field === field)?.value;
  }
}

export const everythingFields: FieldSelector = new Selector([]);

/** A selector from already-parsed requirements, kept in the given order. */
export const fieldSelectorFrom = (reqs: FieldRequirement[]): FieldSelector => new Selector([...reqs]);

/** The `fieldSelector` query parameter; '' selects everything; a syntax error is a 400. */
export function parseFieldSelector(s: string): FieldSelector {
  // Terms are sorted as raw strings before parsing, which fixes the canonical order.
  const terms = splitTerms(s).sort();
  const reqs: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    const [field, op, raw] = parts;
    let value: string;
    try {
      value = unescapeFieldValue(raw);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    reqs.push({ field, op: op === '!=' ? '!=' : '=', value });
  }
  return reqs.length === 0 ? everythingFields : new Selector(reqs);
}

export { selectableFields, checkFieldSelector, convertFieldSelector } from './field-labels.ts';
