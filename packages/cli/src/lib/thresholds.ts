import {parseThreshold, resolveThresholds, type ThresholdKey, type Thresholds} from '@dx-runner/core'
import {THRESHOLD_SETTINGS} from './flag-spec.js'

/** The thresholds a command uses: its flags over the environment (the config file arrives through it) over the defaults. */
export function thresholdsFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): Thresholds {
  const explicit: Partial<Record<ThresholdKey, number>> = {}
  for (const {flag, key} of THRESHOLD_SETTINGS) {
    const v = flag === undefined ? undefined : flags[flag]
    if (typeof v === 'string') explicit[key] = parseThreshold(`--${flag}`, v)
  }
  return resolveThresholds(env, explicit)
}
