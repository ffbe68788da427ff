/** A fixed-capacity FIFO: pushing into a full buffer evicts (and returns) the oldest item. */
export class RingBuffer<T> {
  private readonly buf: (T | undefined)[];
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.buf = new Array<T | undefined>(capacity);
  }

  get length() {
    return this.size;
  }

  push(item: T): T | undefined {
    const tail = (this.head + this.size) % this.capacity;
    if (this.size < this.capacity) {
      this.buf[tail] = item;
      this.size++;
      return undefined;
    }
    const evicted = this.buf[this.head];
    this.buf[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.size ? undefined : this.buf[(this.head + i) % this.capacity];
  }

  /** Items from the first one for which `pred` holds (the buffer is ordered, so binary search). */
  since(pred: (item: T) => boolean): T[] {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.at(mid)!)) hi = mid;
      else lo = mid + 1;
    }
    const out: T[] = [];
    for (let i = lo; i < this.size; i++) out.push(this.at(i)!);
    return out;
  }

  clear() {
    this.buf.fill(undefined);
    this.head = 0;
    this.size = 0;
  }
}
