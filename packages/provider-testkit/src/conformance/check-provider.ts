import type {ProviderV1} from '@dx-runner/core'
import {applicableChecks, type ConformanceCheck, type ConformanceOptions} from './checks.js'

export type {ConformanceCheck, ConformanceOptions} from './checks.js'
export {CONFORMANCE_CHECKS, applicableChecks} from './checks.js'

export interface ConformanceFinding {
  /** the rule's title, as in the README */
  check: string
  /** the rule's number in the README */
  rule: number
  passed: boolean
  message: string
}

/** Run one check; its failure message says what is wrong, never throws. */
export async function runCheck(provider: ProviderV1, check: ConformanceCheck, options: ConformanceOptions = {}): Promise<{passed: boolean; message: string}> {
  try {
    await check.run(provider, options)
    return {passed: true, message: 'ok'}
  } catch (error) {
    return {passed: false, message: error instanceof Error ? error.message : String(error)}
  }
}

/** Run every check of the v1 contract against a provider; returns one finding per rule, never throws. */
export async function checkProviderConformance(provider: ProviderV1, options: ConformanceOptions = {}): Promise<ConformanceFinding[]> {
  const out: ConformanceFinding[] = []
  for (const c of applicableChecks(provider, options)) {
    const r = await runCheck(provider, c, options)
    out.push({check: c.title, rule: c.rule, passed: r.passed, message: r.passed ? 'ok' : `${provider?.name ?? 'provider'}: rule ${c.rule} (${c.title}): ${r.message}`})
  }
  return out
}
