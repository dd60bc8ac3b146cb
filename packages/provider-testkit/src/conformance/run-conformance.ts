import {applicableChecks, runCheck, type ConformanceOptions} from './check-provider.js'
import type {ProviderV1} from '@dx-runner/core'

type Describe = (title: string, fn: () => void) => void
type It = (title: string, fn: () => void | Promise<void>) => void

/**
 * Register the conformance suite as mocha tests (call it at the top level of a test file):
 * one test per rule of the testkit README, failing with a message that says what is wrong.
 */
export function runProviderConformance(provider: ProviderV1, options: ConformanceOptions = {}): void {
  const g = globalThis as unknown as {describe?: Describe; it?: It}
  if (!g.describe || !g.it) throw new Error('runProviderConformance must run inside mocha (describe/it are missing)')
  const it = g.it
  g.describe(`${provider?.name ?? 'provider'} conforms to ProviderV1`, () => {
    for (const check of applicableChecks(provider, options)) {
      it(`rule ${check.rule}: ${check.title}`, async () => {
        const r = await runCheck(provider, check, options)
        if (!r.passed) throw new Error(r.message)
      })
    }
  })
}
