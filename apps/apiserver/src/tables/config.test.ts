import { describe, expect, it } from 'vitest';
import { configMapPrinter, leasePrinter, secretPrinter, serviceAccountPrinter } from './config.ts';

const now = new Date('2024-05-01T12:00:00Z');
const metadata = { name: 'x', creationTimestamp: '2024-05-01T11:59:30Z' };

describe('configMapPrinter', () => {
  it.each([
    { name: 'data and binary data both count', cm: { metadata, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, want: ['x', 3, '30s'] },
    { name: 'empty', cm: { metadata }, want: ['x', 0, '30s'] },
  ])('$name', ({ cm, want }) => expect(configMapPrinter.cells(cm, now)).toEqual(want));
});

describe('secretPrinter', () => {
  it.each([
    { name: 'tls', s: { metadata, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, want: ['x', 'kubernetes.io/tls', 2, '30s'] },
    { name: 'opaque without data', s: { metadata, type: 'Opaque' }, want: ['x', 'Opaque', 0, '30s'] },
  ])('$name', ({ s, want }) => expect(secretPrinter.cells(s, now)).toEqual(want));
});

describe('serviceAccountPrinter', () => {
  it.each([
    { name: 'no secrets', sa: { metadata }, want: ['x', 0, '30s'] },
    { name: 'one secret', sa: { metadata, secrets: [{ name: 'x-token' }] }, want: ['x', 1, '30s'] },
  ])('$name', ({ sa, want }) => expect(serviceAccountPrinter.cells(sa, now)).toEqual(want));
});

describe('leasePrinter', () => {
  it.each([
    { name: 'held', l: { metadata, spec: { holderIdentity: 'kcm-1_abc' } }, want: ['x', 'kcm-1_abc', '30s'] },
    { name: 'free', l: { metadata, spec: {} }, want: ['x', '', '30s'] },
  ])('$name', ({ l, want }) => expect(leasePrinter.cells(l, now)).toEqual(want));
});
