import {closeSync, readSync, statSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {artifactRoot, DxError, ExitCode, findJob, isJobActive, openRegularFile, readTailLines, validateBeadsId} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'

export default class Logs extends DxCommand {
  static summary = 'Print a job\'s output; --follow keeps printing until the job ends.'
  static description = 'Shows the last --lines lines of the job\'s log. With --follow it then prints what the agent writes, follows the log across a restart, and exits once the job has ended. --json prints JSON Lines: one {"beads", "line"} object per line of output (schema log-line).'
  static examples = ['<%= config.bin %> logs bd-123', '<%= config.bin %> logs bd-123 --json', '<%= config.bin %> logs --beads bd-123 --follow --lines 0']
  static flags = commandFlags('logs')
  static args = commandArgs('logs')

  async run(): Promise<void> {
    const {flags} = await this.parse(Logs)
    const beads = validateBeadsId(flags.beads)
    const paths = findJob(artifactRoot(), beads)
    if (!paths) throw new DxError(`no job ${beads}`, {exitCode: ExitCode.jobError})
    const size = () => {
      try {
        const st = statSync(paths.log)
        return {size: st.size, ino: st.ino}
      } catch {
        return {size: 0, ino: -1}
      }
    }
    const out = logWriter(beads, flags.json)
    let pos = size()
    if (flags.lines > 0) {
      const lines = readTailLines(paths.log, 256 * 1024)
      if (lines.length > 0 && lines.at(-1) === '') lines.pop()
      const shown = lines.slice(-flags.lines)
      if (shown.length > 0) out.write(Buffer.from(`${shown.join('\n')}\n`))
    }
    if (!flags.follow) return
    let stopping = false
    const stop = () => {
      stopping = true
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    let endedRounds = 0
    while (!stopping) {
      const now = size()
      if (now.ino !== pos.ino || now.size < pos.size) pos = {size: 0, ino: now.ino} // rotated by a restart
      // a log that is not a regular file (FIFO, device) is never opened: it would block or never end
      const opened = now.size > pos.size ? openRegularFile(paths.log) : undefined
      if (opened?.kind === 'ok') {
        const {fd} = opened
        try {
          const buf = Buffer.alloc(Math.min(now.size - pos.size, 1024 * 1024))
          const n = readSync(fd, buf, 0, buf.length, pos.size)
          out.write(buf.subarray(0, n))
          pos = {size: pos.size + n, ino: now.ino}
        } finally {
          closeSync(fd)
        }
        continue
      }
      // The job has ended and its output is drained (checked twice, so a last write is not lost).
      if (!isJobActive(paths)) {
        if (++endedRounds >= 2) break
      } else endedRounds = 0
      await new Promise((r) => setTimeout(r, 200))
    }
    out.end()
  }
}

/** Where the log goes: stdout as written, or with --json one {"beads", "line"} object per line (JSON Lines; a last partial line at the end). */
function logWriter(beads: string, json: boolean): {write(chunk: Buffer): void; end(): void} {
  if (!json) return {write: (chunk) => process.stdout.write(chunk), end() {}}
  let pending = ''
  const decoder = new StringDecoder('utf8')
  const line = (text: string) => process.stdout.write(`${JSON.stringify({beads, line: text})}\n`)
  return {
    write(chunk) {
      const parts = (pending + decoder.write(chunk)).split('\n')
      pending = parts.pop() ?? ''
      for (const p of parts) line(p)
    },
    end() {
      pending += decoder.end()
      if (pending !== '') line(pending)
      pending = ''
    },
  }
}
