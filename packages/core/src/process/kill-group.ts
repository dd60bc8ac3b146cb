import {ProcessTable} from './proc.js'

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Live members of the job's process group (the supervisor is its session and group leader). */
export function groupMembers(pgid: number): number[] {
  return ProcessTable.scan()
    .group(pgid)
    .filter((st) => st.session === pgid)
    .map((st) => st.pid)
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {}
}

/** TERM the whole group, wait up to `graceMs`, then KILL what is left. Resolves once nothing is left. */
export async function stopProcessGroup(pgid: number, graceMs: number): Promise<{killed: boolean; remaining: number[]}> {
  if (groupMembers(pgid).length === 0) return {killed: false, remaining: []}
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return {killed: true, remaining: []}
    await sleep(50)
  }
  signalGroup(pgid, 'SIGKILL')
  const hard = Date.now() + 5000
  let left = groupMembers(pgid)
  while (left.length > 0 && Date.now() < hard) {
    await sleep(50)
    left = groupMembers(pgid)
  }
  return {killed: true, remaining: left}
}
