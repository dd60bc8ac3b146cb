import {parseThreshold, resolveThresholds, type Thresholds} from '@dx-runner/core'

export function thresholdsFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): Thresholds {
  const pick = (name: string) => {
    const v = flags[name]
    return typeof v === 'string' ? parseThreshold(`--${name}`, v) : undefined
  }
  const explicit: Partial<Thresholds> = {}
  const stall = pick('stall-minutes')
  const noOp = pick('no-op-minutes')
  const first = pick('first-output-seconds')
  const grace = pick('rc-grace-seconds')
  if (stall !== undefined) explicit.stallMinutes = stall
  if (noOp !== undefined) explicit.noOpMinutes = noOp
  if (first !== undefined) explicit.firstOutputSec = first
  if (grace !== undefined) explicit.rcGraceSec = grace
  return resolveThresholds(env, explicit)
}
