/**
 * Fault injection for the reliability suite: DX_RUNNER_FAULT=<point> makes the process SIGKILL itself
 * at that point, exactly like a `kill -9` landing there. Points: after-lock, after-spawn, after-meta.
 */
export function faultPoint(point: string): void {
  if (process.env.DX_RUNNER_FAULT === point) process.kill(process.pid, 'SIGKILL')
}
