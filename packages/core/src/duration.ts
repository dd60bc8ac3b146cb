import {DxError} from './errors.js'

const UNITS: Record<string, number> = {ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400}

/** "90", "90s", "1.5m", "2h" → seconds. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?$/.exec(raw.trim())
  if (!m) throw new DxError(`invalid ${flag} ${JSON.stringify(raw)}: expected a duration such as 90s, 30m or 2h`)
  const sec = Number(m[1]) * UNITS[m[2] ?? 's']
  if (!(sec > 0)) throw new DxError(`invalid ${flag} ${JSON.stringify(raw)}: must be greater than zero`)
  return sec
}

/** 75 → "1m15s", 3700 → "1h1m", 5 → "5s". */
export function formatElapsed(sec: number): string {
  const s = Math.max(0, Math.round(sec))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return `${h}h${m ? `${m}m` : ''}`
}
