import {ExitCode, type PreflightReport, type ProviderV1} from '@dx-runner/core'
import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {getConfig} from '../lib/config.js'
import {printable} from '../lib/printable.js'
import {withActivity} from '../lib/activity.js'

export default class Preflight extends DxCommand {
  static summary = 'Check that providers can run: binary, version, credentials, model policy.'
  static description = 'Runs every provider\'s checks (or one\'s). Exits 21 when a check fails, 20 for an unknown provider. A warn check does not fail it; a credential warning (a token file group or others can read) is also printed on stderr.'
  static examples = ['<%= config.bin %> preflight', '<%= config.bin %> preflight --provider cc-glm --json']
  static flags = commandFlags('preflight')

  async run(): Promise<void> {
    const {flags} = await this.parse(Preflight)
    const loaded = await this.providers()
    // sorted by name: the order plugins load in is not a contract
    const list: ProviderV1[] = flags.provider ? [loaded.get(flags.provider)] : [...loaded.registry.providers.values()].map((e) => e.provider).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const reports: PreflightReport[] = []
    for (const p of list) {
      try {
        const fallbackModels = flags['fallback-model'] === undefined ? (getConfig().fallback_models?.[p.name] ?? []) : flags['fallback-model'].split(',').map((m) => m.trim()).filter(Boolean)
        reports.push(await withActivity(`preflight ${p.name}`, () => p.preflight({env: process.env, cwd: process.cwd(), timeoutMs: 15_000, ...(fallbackModels.length ? {fallbackModels} : {})})))
      } catch (error) {
        reports.push({provider: p.name, passed: false, checks: [{name: 'preflight', status: 'fail', detail: (error as Error).message.split('\n')[0]}]})
      }
    }
    const passed = reports.every((r) => r.passed)
    const doc = {passed, providers: reports.map((r) => ({provider: r.provider, passed: r.passed, checks: r.checks, ...(r.reason_code ? {reason_code: r.reason_code} : {})}))}
    const text = lines(
      ...reports.flatMap((r) => [
        `${printable(r.provider)}: ${r.passed ? 'ok' : 'FAILED'}`,
        ...r.checks.map((c) => `  ${c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL'}  ${printable(`${c.name}: ${c.detail}`)}`),
      ]),
    )
    emit({doc, text, ...(passed ? {} : {exitCode: ExitCode.preflightFailed})}, flags.json)
  }
}
