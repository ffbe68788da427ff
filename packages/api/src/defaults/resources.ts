// SetDefaults_ResourceList: quantities are rounded up to thousandths, and a real server then
// serialises them canonically, so `cpu: 0.5` reads back as `500m` and `memory: 1.5Gi` as `1536Mi`.
import { formatQuantity, isValidQuantity, quantityMilli } from '../quantity.ts';
import { isObj, type Obj } from './util.ts';

const BINARY_SUFFIX = /(Ki|Mi|Gi|Ti|Pi|Ei)$/;
const EXPONENT = /[eE][+-]?\d+$/;

/** One quantity in upstream's canonical text; anything we cannot represent exactly is kept. */
export function canonicalQuantity(q: unknown): unknown {
  if ((typeof q !== 'string' && typeof q !== 'number') || !isValidQuantity(q)) return q;
  const text = String(q);
  // Exponent notation keeps its own (DecimalExponent) format, which formatQuantity does not write.
  if (typeof q === 'string' && EXPONENT.test(text)) return q;
  const milli = quantityMilli(q);
  if (milli === undefined || !Number.isSafeInteger(milli)) return q;
  return formatQuantity(milli / 1000, BINARY_SUFFIX.test(text) ? 'BinarySI' : 'DecimalSI');
}

/** Canonicalises every quantity of the resource list under `o[key]`, in place. */
export function defaultResourceList(o: Obj | undefined, key: string): void {
  const list = o?.[key];
  if (!isObj(list)) return;
  for (const [name, q] of Object.entries(list)) list[name] = canonicalQuantity(q);
}
