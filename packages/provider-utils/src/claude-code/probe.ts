import type {ProbeResult, ProviderContext, ProviderV1} from '@dx-runner/provider'
import {probeThroughCli} from '../probe-through-cli.js'

/** One tiny real request through claude, as the provider launches it, without retries: does the model answer now? */
export function probeClaude(provider: ProviderV1, ctx: ProviderContext, model: string): Promise<ProbeResult> {
  return probeThroughCli(provider, ctx, model, {
    env: {CLAUDE_CODE_MAX_RETRIES: '0'},
    describe: (t) => `answered: ${JSON.stringify((t.result?.text ?? '').slice(0, 60))}`,
  })
}
