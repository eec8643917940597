import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();
/** A new ULID: sortable by creation time, so event order within a millisecond is kept. */
export function newId<T extends string = string>(): T {
  return ulid() as T;
}
