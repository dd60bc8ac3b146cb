/** What `start` says while it waits for a slot: one stderr line, once; on a terminal, a spinner after it until the wait ends. */
export function waitNotice(stream: NodeJS.WriteStream = process.stderr): {say(line: string): void; done(): void} {
  let said = false
  let timer: NodeJS.Timeout | undefined
  return {
    say(line) {
      if (said) return
      said = true
      stream.write(`dx-runner: ${line}\n`)
      if (!stream.isTTY) return
      const frames = ['|', '/', '-', '\\']
      let i = 0
      timer = setInterval(() => stream.write(`\r${frames[i++ % frames.length]} waiting for a slot`), 250)
    },
    done() {
      if (!timer) return
      clearInterval(timer)
      timer = undefined
      stream.write('\r\x1b[K')
    },
  }
}
