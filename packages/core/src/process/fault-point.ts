/**
 * Fault injection for the reliability suite: DX_RUNNER_FAULT=<point> makes the process SIGKILL itself
 * at that point, exactly like a `kill -9` landing there. Points: after-lock, after-spawn, after-meta.
 */
export function faultPoint(point: string): void {
  if (process.env.DX_RUNNER_FAULT === point) process.kill(process.pid, 'SIGKILL')
}

/**
 * Race injection for the reliability suite: DX_RUNNER_PAUSE=<point> makes the process stop itself
 * (SIGSTOP) there, so a test can act inside that window and then SIGCONT it. Points:
 * watchdog-before-act (the watchdog has decided, and not yet taken the job's lock).
 */
export function pausePoint(point: string): void {
  if (process.env.DX_RUNNER_PAUSE === point) process.kill(process.pid, 'SIGSTOP')
}
