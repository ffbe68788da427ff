// The label selector string grammar (apimachinery pkg/labels Parse, v0.32 behaviour):
//   selector    := requirement (',' requirement)*
//   requirement := ['!'] KEY [ ('in'|'notin') '(' values ')' | ('='|'=='|'!='|'>'|'<') VALUE ]
// A bare KEY means "exists", `!KEY` "does not exist". `in`/`notin` are keywords only where an
// operator is expected, so `in in (in)` is a valid selector. Errors read as upstream's.
import { badRequest } from './errors.ts';
import { everything, newRequirement, selectorFromRequirements, type LabelOp, type LabelSelector, type Requirement } from './labels.ts';
import { isQualifiedName } from './validation/names.ts';

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const KEYWORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  [')', ')'], [',', ','], ['!', '!'], ['==', '=='], ['=', '='], ['>', '>'],
  ['in', 'in'], ['<', '<'], ['!=', '!='], ['notin', 'notin'], ['(', '('],
]);

interface Item {
  tok: Tok;
  lit: string;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string) => '=!(),><'.includes(c) && c !== '';

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isSpace(s[pos] ?? '')) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    const start = pos;
    if (isSpecial(s[pos] ?? '')) {
      // Longest run of special characters that still spells an operator: `!=` not `!`,`=`.
      let best: Item | undefined;
      let end = pos;
      while (end < s.length && isSpecial(s[end] ?? '')) {
        const tok = KEYWORDS.get(s.slice(start, end + 1));
        if (tok) best = { tok, lit: s.slice(start, end + 1) };
        else if (best) break;
        end++;
      }
      if (!best) {
        items.push({ tok: 'error', lit: `error expected: keyword found '${s.slice(start, end)}'` });
        pos = end;
      } else {
        items.push(best);
        pos = start + best.lit.length;
      }
      continue;
    }
    while (pos < s.length && !isSpecial(s[pos] ?? '') && !isSpace(s[pos] ?? '')) pos++;
    const lit = s.slice(start, pos);
    items.push({ tok: KEYWORDS.get(lit) ?? 'id', lit });
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly items: Item[]) {}

  /** In value position the keywords `in`/`notin` are plain identifiers. */
  private peek(asValue = true): Item {
    const it = this.items[this.pos] ?? { tok: 'eos', lit: '' };
    return asValue && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(asValue = true): Item {
    const it = this.peek(asValue);
    this.pos++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek();
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!') throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const after = this.next();
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const following = this.peek();
      if (following.tok !== 'id' && following.tok !== '!') throw new Error(`found '${following.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let it = this.next();
    if (it.tok === '!') {
      negated = true;
      it = this.next();
    }
    if (it.tok !== 'id') throw new Error(`found '${it.lit}', expected: identifier`);
    const key = it.lit;
    const keyErrs = isQualifiedName(key);
    // The parser validates the key with a nil field path, which Go prints as `<nil>`.
    if (keyErrs.length) throw new Error(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
    if (negated) return newRequirement(key, '!', []);
    const la = this.peek().tok;
    if (la === 'eos' || la === ',') return newRequirement(key, 'exists', []);
    const op = this.operator();
    const values = op === 'in' || op === 'notin' ? this.valueSet() : this.exactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private operator(): LabelOp {
    const { tok, lit } = this.next(false);
    switch (tok) {
      case 'in': return 'in';
      case 'notin': return 'notin';
      case '=': return '=';
      case '==': return '==';
      case '!=': return '!=';
      case '>': return 'gt';
      case '<': return 'lt';
      default: throw new Error(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  private valueSet(): Set<string> {
    const open = this.next();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek();
    if (tok === ')') {
      this.next();
      return new Set(['']);
    }
    if (tok !== 'id' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.identifiers();
    if (this.next().tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  /** Comma-separated, possibly empty identifiers: `(a,,b)` holds '', `(,a)` too. */
  private identifiers(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const it = this.next();
      if (it.tok === 'id') {
        values.add(it.lit);
        const la = this.peek();
        if (la.tok === ')') return values;
        if (la.tok !== ',') throw new Error(`found '${la.lit}', expected: ',' or ')'`);
      } else if (it.tok === ',') {
        if (values.size === 0) values.add('');
        const la = this.peek().tok;
        if (la === ')') {
          values.add('');
          return values;
        }
        if (la === ',') {
          // v0.32 swallows the second comma here, so `(a,,)` is an error rather than {a, ''}.
          this.next();
          values.add('');
        }
      } else {
        throw new Error(`found '${it.lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): Set<string> {
    const la = this.peek().tok;
    if (la === 'eos' || la === ',') return new Set(['']);
    const it = this.next();
    if (it.tok === 'id') return new Set([it.lit]);
    throw new Error(`found '${it.lit}', expected: identifier`);
  }
}

/** kubectl's `-l` syntax; '' selects everything. A syntax or validation error is a 400. */
export function parseLabelSelector(s: string): LabelSelector {
  let reqs: Requirement[];
  try {
    reqs = new Parser(lex(s)).parse();
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return reqs.length === 0 ? everything : selectorFromRequirements(reqs);
}
