// resource.Quantity (apimachinery api/resource): a signed decimal with an optional binary (Ki…Ei),
// decimal SI (n…E) or exponent (e3, E-3) suffix. Values are kept exact (bigint mantissa times a
// power of ten) while parsing so that "0.1" cores is 100m, not 100.00000000000001m.

interface Exact {
  /** value = mant × 10^exp */
  mant: bigint;
  exp: number;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

const NUMBER = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const EXPONENT = /^[eE]([+-]?[0-9]+)$/;

/**
 * Parsed quantities by their text: every write parses the same few strings ("100m", "64Mi")
 * several times (defaults, validation, QoS). Results are immutable; the cache is bounded.
 */
const parsed = new Map<string, Exact | undefined>();
const PARSED_MAX = 4096;

function parseExact(input: string | number): Exact | undefined {
  if (typeof input !== 'string') return parseUncached(input);
  if (parsed.has(input)) return parsed.get(input);
  const result = parseUncached(input);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(input, result);
  return result;
}

function parseUncached(input: string | number): Exact | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    // Whole numbers convert exactly; String(2 ** 61) would drop the low digits.
    if (Number.isInteger(input)) return normalize({ mant: BigInt(input), exp: 0 });
    input = String(input);
  }
  if (typeof input !== 'string' || input === '') return undefined;
  const m = NUMBER.exec(input);
  if (!m) return undefined;
  const [, sign = '', whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  let mant = BigInt(`${whole}${frac}` || '0');
  let exp = -frac.length;
  if (suffix in BINARY) mant *= 1024n ** BigInt(BINARY[suffix] ?? 0);
  else if (suffix in DECIMAL) exp += DECIMAL[suffix] ?? 0;
  else {
    const e = EXPONENT.exec(suffix);
    if (!e?.[1]) return undefined;
    exp += Number(e[1]);
  }
  if (sign === '-') mant = -mant;
  return normalize({ mant, exp });
}

/** Moves trailing zeros of the mantissa into the exponent; zero becomes 0×10^0. */
function normalize(q: Exact): Exact {
  if (q.mant === 0n) return { mant: 0n, exp: 0 };
  let { mant, exp } = q;
  while (mant % 10n === 0n) {
    mant /= 10n;
    exp++;
  }
  return { mant, exp };
}

/** Integer ceiling of mant × 10^shift (shift may be negative). */
function ceilScaled(q: Exact, shift: number): bigint {
  const e = q.exp + shift;
  if (e >= 0) return q.mant * 10n ** BigInt(e);
  const d = 10n ** BigInt(-e);
  const t = q.mant / d;
  return q.mant > 0n && t * d !== q.mant ? t + 1n : t;
}

export function isValidQuantity(s: unknown): boolean {
  return (typeof s === 'string' || typeof s === 'number') && parseExact(s) !== undefined;
}

/** The value in base units (cores, bytes); undefined when `s` is not a quantity. */
export function parseQuantity(s: string | number): number | undefined {
  const q = parseExact(s);
  return q && Number(`${q.mant}e${q.exp}`);
}

/** The value in thousandths, rounded up (a CPU request of 0.0001 still takes 1m). */
export function quantityMilli(s: string | number): number | undefined {
  const q = parseExact(s);
  return q && Number(ceilScaled(q, 3));
}

/**
 * Canonical text as upstream serialises it: no fractional digits, the largest suffix that keeps
 * the mantissa whole, precision below 1n rounded up. BinarySI uses Ki…Ei only for whole values of
 * at least 1024 and otherwise falls back to the decimal form (so 1.5Gi prints as 1536Mi, 0.5 as 500m).
 */
export function formatQuantity(n: number, format: 'BinarySI' | 'DecimalSI'): string {
  const exact = parseExact(n);
  if (!exact) throw new RangeError(`not a finite quantity: ${n}`);
  let q = exact;
  if (q.exp < -9) {
    const nano = ceilScaled({ mant: q.mant < 0n ? -q.mant : q.mant, exp: q.exp }, 9);
    q = normalize({ mant: q.mant < 0n ? -nano : nano, exp: -9 });
  }
  if (q.mant === 0n) return '0';
  if (format === 'BinarySI' && q.exp >= 0) {
    const whole = q.mant * 10n ** BigInt(q.exp);
    if (whole >= 1024n || whole <= -1024n) {
      let v = whole;
      let k = 0;
      while (k < 6 && v % 1024n === 0n) {
        v /= 1024n;
        k++;
      }
      return `${v}${BINARY_SUFFIX[k]}`;
    }
  }
  const exp3 = Math.min(18, Math.max(-9, Math.floor(q.exp / 3) * 3));
  const mant = q.mant * 10n ** BigInt(q.exp - exp3);
  return `${mant}${DECIMAL_SUFFIX.get(exp3) ?? ''}`;
}
