import {ExitCode} from '@dx-runner/core'
import {withActivity} from '../lib/activity.js'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {printable} from '../lib/printable.js'

export default class Probe extends DxCommand {
  static summary = 'Send one tiny real request through a provider: does the model answer now?'
  static description = 'Runs the provider\'s own CLI with a one-word prompt and a timeout; reports whether it answered, the latency and a reason code. Exits 21 when it did not answer.'
  static examples = ['<%= config.bin %> probe --provider cc-glm', '<%= config.bin %> probe --provider cc-glm --model glm-5 --json']
  static flags = commandFlags('probe')

  async run(): Promise<void> {
    const {flags} = await this.parse(Probe)
    const provider = (await this.providers()).get(flags.provider)
    const r = await withActivity(`probe ${provider.name}${flags.model ? ` ${flags.model}` : ''}`, () => provider.probe({env: process.env, cwd: process.cwd(), timeoutMs: flags.timeout * 1000}, flags.model))
    const text = lines(printable(`${r.provider} ${r.model}: ${r.answered ? 'answered' : 'NOT answered'} in ${r.latency_ms} ms (${r.reason_code})${r.detail ? ` ${r.detail}` : ''}`))
    emit({doc: r, text, ...(r.answered ? {} : {exitCode: ExitCode.preflightFailed})}, flags.json)
  }
}
