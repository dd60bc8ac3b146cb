/**
 * How many at the front of the line may launch now (first come, first served): walking the line in
 * order, an entry goes while the live jobs plus the entries ahead of it stay under its own limit; the
 * first that cannot go stops everyone behind it. Pure.
 */
export function entriesThatMayGo(live: number, line: readonly {maxParallel: number}[]): number {
  let n = 0
  while (n < line.length && live + n < line[n].maxParallel) n++
  return n
}
