import { describe, expect, it } from 'vitest';
import { formatQuantity, isValidQuantity, parseQuantity, quantityMilli } from './quantity.ts';

describe('parseQuantity', () => {
  it.each([
    { name: 'plain integer', in: '3', value: 3, milli: 3000 },
    { name: 'number input', in: 2, value: 2, milli: 2000 },
    { name: 'milli', in: '100m', value: 0.1, milli: 100 },
    { name: 'fraction', in: '0.1', value: 0.1, milli: 100 },
    { name: 'leading dot', in: '.5', value: 0.5, milli: 500 },
    { name: 'trailing dot', in: '1.', value: 1, milli: 1000 },
    { name: 'binary suffix', in: '1.5Gi', value: 1610612736, milli: 1610612736000 },
    { name: 'decimal suffix', in: '2k', value: 2000, milli: 2000000 },
    { name: 'exa is E', in: '1E', value: 1e18, milli: 1e21 },
    { name: 'exponent', in: '1e3', value: 1000, milli: 1000000 },
    { name: 'negative exponent', in: '1E-3', value: 0.001, milli: 1 },
    { name: 'negative', in: '-2k', value: -2000, milli: -2000000 },
    { name: 'explicit plus', in: '+5Mi', value: 5 * 2 ** 20, milli: 5 * 2 ** 20 * 1000 },
    { name: 'milli rounds up', in: '0.30000000000000004', value: 0.30000000000000004, milli: 301 },
    { name: 'nano rounds up to a milli', in: '1n', value: 1e-9, milli: 1 },
  ])('$name', (c) => {
    expect(isValidQuantity(c.in)).toBe(true);
    expect(parseQuantity(c.in)).toBe(c.value);
    expect(quantityMilli(c.in)).toBe(c.milli);
  });

  it.each([
    { name: 'empty', in: '' },
    { name: 'suffix only', in: 'Ki' },
    { name: 'words', in: 'abc' },
    { name: 'two dots', in: '1.1.1' },
    { name: 'unknown suffix', in: '5i' },
    { name: 'lower-case binary', in: '1ki' },
    { name: 'exponent without digits', in: '1e' },
    { name: 'fractional exponent', in: '1e0.1' },
    { name: 'space', in: ' 1' },
    { name: 'milli-binary', in: '0.1mi' },
    { name: 'not finite', in: Number.POSITIVE_INFINITY },
    { name: 'not a string', in: { cpu: 1 } },
  ])('rejects $name', (c) => {
    expect(isValidQuantity(c.in)).toBe(false);
    if (typeof c.in === 'string' || typeof c.in === 'number') {
      expect(parseQuantity(c.in)).toBeUndefined();
      expect(quantityMilli(c.in)).toBeUndefined();
    }
  });
});

describe('formatQuantity', () => {
  it.each([
    { name: 'zero', n: 0, binary: '0', decimal: '0' },
    { name: 'half a core', n: 0.5, binary: '500m', decimal: '500m' },
    { name: 'not a multiple of 1000', n: 1500, binary: '1500', decimal: '1500' },
    { name: 'thousands', n: 2000, binary: '2000', decimal: '2k' },
    { name: 'million', n: 1e6, binary: '1000000', decimal: '1M' },
    { name: 'micro', n: 0.0015, binary: '1500u', decimal: '1500u' },
    { name: 'below 1024 stays decimal', n: 1023, binary: '1023', decimal: '1023' },
    { name: 'kibi', n: 2048, binary: '2Ki', decimal: '2048' },
    { name: '1.5Gi', n: 1.5 * 2 ** 30, binary: '1536Mi', decimal: '1610612736' },
    { name: 'exbi', n: 2 ** 61, binary: '2Ei', decimal: '2305843009213693952' },
    { name: 'negative', n: -0.5, binary: '-500m', decimal: '-500m' },
    { name: 'below a nano rounds up', n: 1e-12, binary: '1n', decimal: '1n' },
    { name: 'huge decimal', n: 1e21, binary: '953674316406250Mi', decimal: '1000E' },
  ])('$name', (c) => {
    expect(formatQuantity(c.n, 'BinarySI')).toBe(c.binary);
    expect(formatQuantity(c.n, 'DecimalSI')).toBe(c.decimal);
  });
});
