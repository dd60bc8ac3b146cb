/**
 * What a long operation is doing, on a terminal: a spinner and its label on stderr until it ends, then the
 * line is cleared. Nothing at all when stderr is not a terminal (pipes, CI, --json readers see no noise).
 * The first frame is drawn at once, so even a quick operation says what it did.
 */
export function activity(label: string, stream: NodeJS.WriteStream = process.stderr): {done(): void} {
  if (!stream.isTTY) return {done() {}}
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let i = 0
  const draw = () => stream.write(`\r${frames[i++ % frames.length]} ${label}\x1b[K`)
  draw()
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    done() {
      clearInterval(timer)
      stream.write('\r\x1b[K')
    },
  }
}

/** Run `fn` with `label` on the terminal meanwhile. */
export async function withActivity<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const a = activity(label)
  try {
    return await fn()
  } finally {
    a.done()
  }
}
