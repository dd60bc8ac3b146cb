/** Edit distance between two words (Levenshtein: insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

/** The known command nearest to what was typed, when it is near enough to be a typo (at most a third of its letters off). */
export function closestCommand(typed: string, known: readonly string[]): string | undefined {
  let best: {id: string; d: number} | undefined
  for (const id of known) {
    const d = editDistance(typed, id)
    if (!best || d < best.d) best = {id, d}
  }
  return best && best.d <= Math.max(2, Math.ceil(typed.length / 3)) ? best.id : undefined
}
