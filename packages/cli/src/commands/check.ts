import {DxCommand, thresholdsFrom} from '../lib/base-command.js'
import {commandArgs, commandFlags} from '../lib/oclif-flags.js'
import {runCheck} from '../lib/run-status.js'
import {emit} from '../lib/output.js'

export default class Check extends DxCommand {
  static summary = 'One job\'s health, as an exit code.'
  static description = 'Exit 0: launching, waiting_first_output, silent_mutation, healthy or exited_ok. 2: stalled. 3: exited_err, blocked or missing. 23: no_op.\nWhile the agent CLI retries (healthy / provider_retrying), --json adds last_retry {attempt, status, error}; status null: nothing answered (connection refused, DNS, TLS, timeout). When it gives up so: exited_err / provider_unreachable.\nOnly the agent CLI\'s own events can say the key was refused (exited_err / provider_auth_failed); a tool printing "HTTP 403" never ends a job.'
  static examples = ['<%= config.bin %> check --beads bd-123', '<%= config.bin %> check --beads bd-123 --stall-minutes 10 --json']
  static flags = commandFlags('check')
  static args = commandArgs('check')

  async run(): Promise<void> {
    const {flags} = await this.parse(Check)
    emit(await runCheck(flags.beads, () => this.providers(), thresholdsFrom(flags, process.env)), flags.json)
  }
}
