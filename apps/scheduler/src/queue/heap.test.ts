import { describe, expect, it } from 'vitest';
import { Heap } from './heap.ts';

interface Item {
  key: string;
  value: number;
}

const newHeap = () => new Heap<Item>((i) => i.key, (a, b) => a.value < b.value);

function drain(h: Heap<Item>): string[] {
  const out: string[] = [];
  for (let i = h.pop(); i; i = h.pop()) out.push(i.key);
  return out;
}

type Op = { add: Item } | { delete: string };

describe('Heap', () => {
  const cases: { name: string; ops: Op[]; want: string[] }[] = [
    { name: 'empty', ops: [], want: [] },
    {
      name: 'pops in order of less',
      ops: [{ add: { key: 'c', value: 3 } }, { add: { key: 'a', value: 1 } }, { add: { key: 'b', value: 2 } }],
      want: ['a', 'b', 'c'],
    },
    {
      name: 'adding an existing key updates it (moving down)',
      ops: [{ add: { key: 'a', value: 1 } }, { add: { key: 'b', value: 2 } }, { add: { key: 'a', value: 9 } }],
      want: ['b', 'a'],
    },
    {
      name: 'adding an existing key updates it (moving up)',
      ops: [{ add: { key: 'a', value: 1 } }, { add: { key: 'b', value: 2 } }, { add: { key: 'c', value: 3 } }, { add: { key: 'c', value: 0 } }],
      want: ['c', 'a', 'b'],
    },
    {
      name: 'delete from the middle keeps the order',
      ops: [...[5, 3, 8, 1, 9, 2].map((v) => ({ add: { key: `k${v}`, value: v } })), { delete: 'k3' }, { delete: 'k9' }],
      want: ['k1', 'k2', 'k5', 'k8'],
    },
    {
      name: 'deleting a missing key is a no-op',
      ops: [{ add: { key: 'a', value: 1 } }, { delete: 'zz' }],
      want: ['a'],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const h = newHeap();
      for (const op of c.ops) {
        if ('add' in op) h.addOrUpdate(op.add);
        else h.delete(op.delete);
      }
      expect(h.size).toBe(c.want.length);
      expect(drain(h)).toEqual(c.want);
    });
  }

  it('get/has/peek see items by key; pop and delete forget them', () => {
    const h = newHeap();
    h.addOrUpdate({ key: 'a', value: 2 });
    h.addOrUpdate({ key: 'b', value: 1 });
    expect(h.has('a')).toBe(true);
    expect(h.get('a')?.value).toBe(2);
    expect(h.peek()?.key).toBe('b');
    expect(h.pop()?.key).toBe('b');
    expect(h.has('b')).toBe(false);
    expect(h.delete('a')).toBe(true);
    expect(h.get('a')).toBeUndefined();
    expect(h.pop()).toBeUndefined();
  });

  it('stays ordered under many random operations', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const h = newHeap();
    const model = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const key = `k${Math.floor(rand() * 100)}`;
      if (rand() < 0.3) {
        h.delete(key);
        model.delete(key);
      } else {
        const value = Math.floor(rand() * 1000);
        h.addOrUpdate({ key, value });
        model.set(key, value);
      }
    }
    const got: number[] = [];
    for (let i = h.pop(); i; i = h.pop()) got.push(i.value);
    expect(got).toEqual([...model.values()].sort((a, b) => a - b));
  });
});
