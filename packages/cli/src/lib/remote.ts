import {spawn} from 'node:child_process'
import {DxError, ExitCode, readRegularFile, runBounded, validatePromptFile} from '@dx-runner/core'
import {takeOption} from './argv.js'
import {getConfig} from './config.js'
import {MAX_STDIN_PROMPT} from './run-start.js'

/**
 * Remote dispatch over OpenSSH: the other side runs the same dx-runner, driven through
 * `ssh <dest> dx-runner … `. No daemon of ours; the system `ssh` with BatchMode, a connect timeout,
 * and the user's ssh config and agent.
 */
export interface Host {
  name: string
  /** ssh destination: a Host alias of the user's ssh config, user@host, or ssh://user@host:port */
  ssh: string
  /** the dx-runner executable on the host (default: `dx-runner` on the remote PATH) */
  dx_runner?: string
  /** DX_RUNNER_HOME on the host */
  dx_runner_home?: string
  /** an ssh config file to use instead of ~/.ssh/config (ssh -F) */
  ssh_config?: string
  connect_timeout_seconds?: number
}

/** The commands `--host` sends to another machine (declared in lib/flag-spec.ts). */
export {commandFromName, REMOTE_COMMANDS} from './flag-spec.js'

export const DEFAULT_CONNECT_TIMEOUT_SEC = 10

export function configuredHosts(): Host[] {
  const hosts = getConfig().hosts ?? {}
  return Object.entries(hosts)
    .map(([name, h]) => ({name, ...h}))
    .sort((a, b) => a.name.localeCompare(b.name))
}

export function getHost(name: string): Host {
  const hosts = configuredHosts()
  const host = hosts.find((h) => h.name === name)
  if (!host) {
    const known = hosts.length > 0 ? `configured: ${hosts.map((h) => h.name).join(', ')}` : 'no hosts are configured (add "hosts" to the config file)'
    throw new DxError(`unknown host ${JSON.stringify(name)}; ${known}`, {exitCode: ExitCode.general})
  }
  return host
}

/** One word for a POSIX shell on the other side: ssh joins its arguments into a command line. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** The ssh argv for one remote dx-runner invocation. Nothing secret is ever in it. */
export function sshArgv(host: Host, remoteArgs: string[]): string[] {
  const timeout = host.connect_timeout_seconds ?? DEFAULT_CONNECT_TIMEOUT_SEC
  const words = [
    ...(host.dx_runner_home ? ['env', `DX_RUNNER_HOME=${host.dx_runner_home}`] : []),
    host.dx_runner ?? 'dx-runner',
    ...remoteArgs,
  ]
  return [
    ...(host.ssh_config ? ['-F', host.ssh_config] : []),
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeout))}`,
    '-o', 'ServerAliveInterval=15',
    '-T',
    '--', host.ssh,
    words.map((w) => shellQuote(w)).join(' '),
  ]
}

export interface RemoteResult {
  /** the remote dx-runner's exit code, or null when ssh itself failed or timed out */
  code: number | null
  stdout: string
  stderr: string
  /** why the host could not be used, when code is null */
  unreachable?: string
}

/** ssh's own failures: exit 255 (cannot connect, auth refused); 126/127: dx-runner missing on the host. */
function unreachableWhy(host: Host, code: number | null, stderr: string): string | undefined {
  const last = stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? ''
  if (code === 255) return last || 'ssh failed'
  if (code === 127 || code === 126) return `${host.dx_runner ?? 'dx-runner'} not found on the host (set hosts.${host.name}.dx_runner to its path)`
  return undefined
}

/** The ssh client: DX_RUNNER_SSH, else `ssh` on PATH. */
const sshCommand = (): string => process.env.DX_RUNNER_SSH ?? 'ssh'

/**
 * Run dx-runner on a host and collect its output, bounded by `timeoutMs` (the ssh process group
 * is ended when it runs out). Used where several hosts are asked at once.
 */
export async function runRemoteCaptured(host: Host, remoteArgs: string[], timeoutMs: number): Promise<RemoteResult> {
  const r = await runBounded(sshCommand(), sshArgv(host, remoteArgs), {timeoutMs})
  const {stdout, stderr} = r
  if (r.spawnError) return {code: null, stdout, stderr, unreachable: `cannot run ssh: ${r.spawnError.message}`}
  if (r.timedOut) return {code: null, stdout, stderr, unreachable: `no answer within ${Math.round(timeoutMs / 1000)}s`}
  const why = unreachableWhy(host, r.code, stderr)
  return why ? {code: null, stdout, stderr, unreachable: why} : {code: r.code, stdout, stderr}
}

/** Find `--host <name>` / `--host=<name>` before `--`; returns the name and argv without it. */
export function extractHost(argv: string[]): {host?: string; rest: string[]} {
  const t = takeOption(argv, 'host')
  if (!t) return {rest: [...argv]}
  if (!t.value || (!t.inline && t.value.startsWith('-'))) throw new DxError('--host needs a host name (see `dx-runner hosts`)')
  return {host: t.value, rest: t.rest}
}

/**
 * `<command> --host <name> …`: the same command on the host, its stdout streamed, its exit code
 * returned unchanged. `start`'s prompt file is read here and streamed over ssh's stdin as
 * `--prompt-file -`: the prompt is never on a command line.
 */
export async function runRemoteCommand(hostName: string, argv: string[]): Promise<number> {
  const host = getHost(hostName)
  const [command] = argv
  let remoteArgs = argv
  let input: Buffer | undefined
  if (command === 'start' && !argv.includes('--help') && !argv.includes('-h')) {
    const t = takeOption(argv, 'prompt-file')
    if (!t?.value) throw new DxError('--prompt-file is required: a readable, non-empty file')
    const file = validatePromptFile(t.value, process.cwd())
    // the host refuses a prompt over this size on stdin anyway; a file swapped for a FIFO since the check is not waited on
    const read = readRegularFile(file, MAX_STDIN_PROMPT)
    if (read.kind !== 'ok') throw new DxError(`prompt file ${JSON.stringify(t.value)} cannot be sent: ${read.kind === 'missing' ? 'not found' : read.detail}`)
    input = read.value
    remoteArgs = t.rest
    remoteArgs.splice(t.at, 0, '--prompt-file', '-')
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(sshCommand(), sshArgv(host, remoteArgs), {stdio: [input ? 'pipe' : 'ignore', 'inherit', 'pipe']})
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    if (input) {
      child.stdin!.on('error', () => {}) // ssh gone early: its exit code tells
      child.stdin!.end(input)
    }
    child.on('error', (error) => reject(new DxError(`cannot run ssh for host ${host.name}: ${error.message}`, {exitCode: ExitCode.hostUnreachable})))
    child.on('close', (code, signal) => {
      const why = unreachableWhy(host, code, stderr)
      if (why) {
        process.stderr.write(`dx-runner: host ${host.name} unreachable: ${why}\n`)
        return resolvePromise(ExitCode.hostUnreachable)
      }
      if (stderr) process.stderr.write(stderr)
      resolvePromise(code ?? (signal ? 1 : 0))
    })
  })
}

/** How long one host may take to answer a status or watchdog round: its connect timeout plus the command. */
export function hostBudgetMs(host: Host): number {
  return ((host.connect_timeout_seconds ?? DEFAULT_CONNECT_TIMEOUT_SEC) + 30) * 1000
}

export interface HostRows<Row> {
  host: Host
  rows: Row[]
  /** set when the host could not be asked; rows is then empty */
  unreachable?: string
}

/** Ask every host at once for `status --json` (one ssh each, bounded time); never throws for one host. */
export async function remoteStatus<Row extends object>(hosts: Host[], args: string[]): Promise<HostRows<Row>[]> {
  return Promise.all(
    hosts.map(async (host): Promise<HostRows<Row>> => {
      const r = await runRemoteCaptured(host, ['status', '--json', ...args], hostBudgetMs(host))
      if (r.unreachable) return {host, rows: [], unreachable: r.unreachable}
      try {
        const doc = JSON.parse(r.stdout) as {jobs?: Row[]}
        if (r.code !== 0 || !Array.isArray(doc.jobs)) throw new Error('no jobs')
        return {host, rows: doc.jobs.map((j) => ({...j, host: host.name}))}
      } catch {
        const why = r.stderr.trim().split('\n').at(-1) || `answered exit ${r.code} without status JSON`
        return {host, rows: [], unreachable: why}
      }
    }),
  )
}

/** The given flags (`--name v` or `--name=v`) out of argv, to hand to the same command on a host. */
export function forwardFlags(argv: string[], names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break
    const m = /^--([a-z-]+)(=.*)?$/.exec(argv[i])
    if (!m || !names.includes(m[1])) continue
    if (m[2] === undefined && i + 1 < argv.length) out.push(argv[i], argv[++i])
    else out.push(argv[i])
  }
  return out
}
