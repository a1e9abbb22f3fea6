/**
 * Ready deliveries grouped by fairness key (the organization), taken round-robin: each key in
 * turn gives its oldest delivery, so a key with a burst of a thousand waits behind nobody and
 * delays another key's next delivery by at most one delivery per other waiting key.
 */
export class FairQueue<T extends { fairnessKey?: string }> {
  private readonly byKey = new Map<string, T[]>();
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const key = item.fairnessKey ?? "";
    const queue = this.byKey.get(key);
    if (queue) queue.push(item);
    else this.byKey.set(key, [item]);
    this.size++;
  }

  /** The oldest item of the key whose turn it is; that key then goes to the back of the turn order. */
  shift(): T | undefined {
    const next = this.byKey.entries().next();
    if (next.done) return undefined;
    const [key, queue] = next.value;
    const item = queue.shift()!;
    this.byKey.delete(key); // a Map keeps insertion order: re-inserting moves the key to the back
    if (queue.length > 0) this.byKey.set(key, queue);
    this.size--;
    return item;
  }

  clear(): void {
    this.byKey.clear();
    this.size = 0;
  }
}
