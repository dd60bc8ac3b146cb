import {checkProviderConformance, type ConformanceOptions} from './check-provider.js'
import type {ProviderV1} from '@dx-runner/core'

type Describe = (title: string, fn: () => void) => void
type It = (title: string, fn: () => void | Promise<void>) => void

/**
 * Register the conformance suite as mocha tests (call it at the top level of a test file):
 * one test per check, failing with a readable message.
 */
export function runProviderConformance(provider: ProviderV1, options: ConformanceOptions = {}): void {
  const g = globalThis as unknown as {describe?: Describe; it?: It; before?: (fn: () => Promise<void>) => void}
  if (!g.describe || !g.it || !g.before) throw new Error('runProviderConformance must run inside mocha (describe/it/before are missing)')
  const it = g.it
  g.describe(`${provider.name} conforms to ProviderV1`, () => {
    let findings: Awaited<ReturnType<typeof checkProviderConformance>> = []
    g.before!(async () => {
      findings = await checkProviderConformance(provider, options)
    })
    it('passes every conformance check', () => {
      const failed = findings.filter((f) => !f.passed)
      if (findings.length === 0) throw new Error('no conformance check ran')
      if (failed.length > 0) throw new Error(failed.map((f) => f.message).join('\n'))
    })
  })
}
