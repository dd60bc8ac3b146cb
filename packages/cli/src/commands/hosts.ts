import {DxCommand} from '../lib/base-command.js'
import {emit, lines} from '../lib/output.js'
import {commandFlags} from '../lib/oclif-flags.js'
import {configuredHosts, hostBudgetMs, runRemoteCaptured} from '../lib/remote.js'
import {table} from '../lib/views.js'

export default class Hosts extends DxCommand {
  static summary = 'Configured remote hosts: reachable over ssh, and the dx-runner version there.'
  static description = [
    'Hosts come from the "hosts" key of the config file: {"<name>": {"ssh": "<destination>", "dx_runner": "<path>", "dx_runner_home": "<dir>", "ssh_config": "<file>", "connect_timeout_seconds": 10}}.',
    'Each host is asked `dx-runner --version` over the system ssh (BatchMode, your ssh config and agent), all at once. Always exits 0; an unreachable host says why.',
  ].join('\n')
  static examples = ['<%= config.bin %> hosts', '<%= config.bin %> hosts --json']
  static flags = commandFlags('hosts')

  async run(): Promise<void> {
    const {flags} = await this.parse(Hosts)
    const hosts = await Promise.all(
      configuredHosts().map(async (host) => {
        const started = Date.now()
        const r = await runRemoteCaptured(host, ['--version'], hostBudgetMs(host))
        const version = r.unreachable ? null : (/^dx-runner\/(\S+)/.exec(r.stdout.trim())?.[1] ?? null)
        const reachable = version !== null
        const detail = reachable ? `answered in ${Date.now() - started} ms` : (r.unreachable ?? `unexpected answer to --version: ${JSON.stringify(r.stdout.trim().slice(0, 80))}`)
        return {name: host.name, ssh: host.ssh, reachable, version, reason_code: reachable ? null : ('host_unreachable' as const), detail: detail.split('\n')[0]}
      }),
    )
    const text = hosts.length === 0
      ? lines('no hosts configured (add "hosts" to the config file; see `dx-runner hosts --help`)')
      : table(['HOST', 'SSH', 'REACHABLE', 'VERSION', 'DETAIL'], hosts.map((h) => [h.name, h.ssh, h.reachable ? 'yes' : 'no', h.version ?? '-', h.detail]))
    emit({doc: {generated_at: new Date().toISOString(), hosts}, text}, flags.json)
  }
}
