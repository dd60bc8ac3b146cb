/** Warnings already printed by this process (shared by every copy of core: plugins load their own). */
const said: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('dx-runner.warned')] ??= new Set<string>()) as Set<string>

/** One `dx-runner: warning: …` line on stderr, once per process however many paths find the same problem. */
export function warnOnce(message: string): void {
  if (said.has(message)) return
  said.add(message)
  process.stderr.write(`dx-runner: warning: ${message.split('\n')[0]}\n`)
}
