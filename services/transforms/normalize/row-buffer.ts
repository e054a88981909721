// Encoded rows as UTF-8 bytes, one line each, in one buffer. A row waits in the batcher for up to a
// few hundred milliseconds; kept as a JavaScript string it would be a rope of a few dozen pieces
// that the garbage collector traces and promotes, and that the insert then flattens and encodes
// anyway. Written here once, it is bytes outside the JavaScript heap.

export class RowBuffer {
  #scratch: Buffer;
  #length = 0;
  #ends: number[] = [];

  constructor(initialBytes = 256 * 1024) {
    this.#scratch = Buffer.allocUnsafe(initialBytes);
  }

  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const room = line.length * 3 + 1;
    if (this.#length + room > this.#scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.#scratch.length, this.#length + room));
      this.#scratch.copy(bigger, 0, 0, this.#length);
      this.#scratch = bigger;
    }
    this.#length += this.#scratch.write(line, this.#length, 'utf8');
    this.#scratch[this.#length++] = 0x0a;
    this.#ends.push(this.#length);
  }

  get rows(): number {
    return this.#ends.length;
  }

  /** The rows written since the last take(), as a buffer of their own; the scratch space is reused. */
  take(): EncodedRows {
    const rows = { body: Buffer.from(this.#scratch.subarray(0, this.#length)), ends: this.#ends };
    this.#length = 0;
    this.#ends = [];
    return rows;
  }
}

/** Lines ending in '\n'; `ends[i]` is where line i ends (exclusive). */
export type EncodedRows = { body: Buffer; ends: number[] };

export function lineAt(rows: EncodedRows, i: number): Buffer {
  return rows.body.subarray(i === 0 ? 0 : rows.ends[i - 1], rows.ends[i]);
}
