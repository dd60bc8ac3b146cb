import {DEFAULT_WATCHDOG_POLICY, type ThresholdKey} from '@dx-runner/core'

/**
 * Every flag of every command, declared once. From this table come the oclif flags (lib/oclif-flags.ts),
 * the fast path's parseArgs options, the list of commands `--host` sends away, the flags `--all-hosts`
 * forwards, and the config keys → environment variables. No oclif here: the fast path reads it too.
 */
export interface FlagSpec {
  type: 'string' | 'boolean' | 'integer'
  description: string
  default?: string | boolean | number
  required?: boolean
  char?: 'f' | 'n' | 'w'
  options?: readonly string[]
  min?: number
  helpGroup?: string
  /** `--all-hosts` passes it on, as given, to the same command on every host */
  forward?: boolean
  /** the fast path (bin/run.js without oclif) hands any invocation using it to oclif */
  oclifOnly?: boolean
}

/** A positional argument that is another way to give a flag: `check bd-1` = `check --beads bd-1`. */
export interface ArgSpec {
  /** the flag it fills */
  flag: string
  description: string
  /** takes every remaining argument, joined with commas (`wait bd-1 bd-2` = `wait --beads bd-1,bd-2`) */
  many?: boolean
}

export interface CommandSpec {
  /** other names for the command (`ls` for `status`); the fast path answers them too */
  aliases?: readonly string[]
  /** positional arguments, in order; each fills a flag (lib/positional.ts) */
  args?: Record<string, ArgSpec>
  /** `--host <name>` runs it on that host (bin/run.js sends it there before oclif starts) */
  remote?: boolean
  /** bin/run.js answers it without oclif when it can (src/fast-path.ts) */
  fastPath?: boolean
  /** in --help's order */
  flags: Record<string, FlagSpec>
}

/**
 * The health thresholds: the flag, the key in core's Thresholds, the environment variable core reads
 * and the config file key. The environment variable is how the config file reaches core (see applyConfig).
 */
export interface ThresholdSetting {
  key: ThresholdKey
  env: string
  /** key under "thresholds" in the config file; env-only settings have none */
  config?: string
  /** the flag (status, check, watchdog); env-only settings have none */
  flag?: string
  description?: string
}

export const THRESHOLD_SETTINGS: readonly ThresholdSetting[] = [
  {key: 'stallMinutes', env: 'DX_RUNNER_STALL_MINUTES', config: 'stall_minutes', flag: 'stall-minutes', description: 'no progress for this many minutes → stalled (default 20; fractions allowed)'},
  {key: 'noOpMinutes', env: 'DX_RUNNER_NO_OP_MINUTES', config: 'no_op_minutes', flag: 'no-op-minutes', description: 'no progress and no mutation for this many minutes → no_op (default 5)'},
  {key: 'firstOutputSec', env: 'DX_RUNNER_FIRST_OUTPUT_SECONDS', config: 'first_output_seconds', flag: 'first-output-seconds', description: 'window for the first output → launching (default 60)'},
  {key: 'rcGraceSec', env: 'DX_RUNNER_RC_GRACE_SECONDS', config: 'rc_grace_seconds', flag: 'rc-grace-seconds', description: 'agent gone without an rc file: wait this long (default 10)'},
  {key: 'cpuProgressRatio', env: 'DX_RUNNER_CPU_PROGRESS_RATIO'},
  {key: 'mutationIntervalSec', env: 'DX_RUNNER_MUTATION_INTERVAL_SECONDS'},
]

/** Config file keys (dotted) whose value becomes an environment variable's default, in the order applied. */
export const CONFIG_ENV: readonly {config: string; env: string}[] = [
  {config: 'artifact_root', env: 'DX_RUNNER_HOME'},
  ...THRESHOLD_SETTINGS.filter((t) => t.config).map((t) => ({config: `thresholds.${t.config}`, env: t.env})),
  {config: 'log_retention.keep_logs', env: 'DX_RUNNER_KEEP_LOGS'},
  {config: 'default_provider', env: 'DX_RUNNER_DEFAULT_PROVIDER'},
  {config: 'queue_timeout_sec', env: 'DX_RUNNER_QUEUE_TIMEOUT_SEC'},
]

const thresholdFlags: Record<string, FlagSpec> = Object.fromEntries(
  THRESHOLD_SETTINGS.filter((t) => t.flag).map((t) => [t.flag, {type: 'string', description: t.description!, forward: true}]),
)

/** Flags every command has (oclif's baseFlags). bin/run.js reads --config before any command runs. */
export const GLOBAL_FLAGS = {
  verbose: {type: 'boolean', description: 'diagnostics on stderr (same as DX_RUNNER_LOG_LEVEL=debug)', default: false, helpGroup: 'GLOBAL'},
  config: {type: 'string', description: 'config file (default: $XDG_CONFIG_HOME/dx-runner/config.json; env DX_RUNNER_CONFIG)', helpGroup: 'GLOBAL'},
} as const satisfies Record<string, FlagSpec>

/** Declared for --help on every remote command; bin/run.js hands any command given --host to lib/remote.ts before oclif starts. */
export const HOST_FLAG = {
  type: 'string',
  description: 'run this command on a configured host over ssh (see `dx-runner hosts`); exit code and output are the host\'s',
  helpGroup: 'REMOTE',
} as const satisfies FlagSpec

/** start's run budgets beyond --timeout (README "Run budgets"); `profiles show` takes them too. */
const budgetFlags = {
  'no-mutation-timeout': {type: 'string', description: 'end the agent if it has changed nothing in its worktree this long after it started (e.g. 10m): reason no_mutation_timeout'},
  'first-mutation-grace': {type: 'string', description: 'delay the --no-mutation-timeout judgement by this long (e.g. 5m)'},
  'max-cost-usd': {type: 'string', description: 'end the agent once the cost it reports passes this many USD (e.g. 2.50): reason budget_exceeded (env DX_RUNNER_MAX_COST_USD, profile budgets.max_cost_usd)'},
  'max-tokens': {type: 'string', description: 'end the agent once the tokens it reports (input + output) pass this many: reason budget_exceeded (env DX_RUNNER_MAX_TOKENS, profile budgets.max_tokens)'},
} as const satisfies Record<string, FlagSpec>

/** start's flags for what a profile sets beyond provider/model/timeout (README "Profiles"). */
const profileFlags = {
  profile: {type: 'string', description: 'start settings from this profile: a name (see `dx-runner profiles`) or a .yaml/.yml/.json file; flags win over it (env DX_RUNNER_PROFILE)'},
  'max-parallel': {type: 'string', description: 'at most this many jobs of the provider run at once (default: DX_RUNNER_MAX_PARALLEL_<PROVIDER>, the profile, config max_parallel, else no limit)', helpGroup: 'CONCURRENCY'},
  'queue-timeout': {type: 'string', description: 'seconds to wait for a slot when the provider is full, then exit 27 (default: DX_RUNNER_QUEUE_TIMEOUT_SEC, the profile, config queue_timeout_sec, else 300)', helpGroup: 'CONCURRENCY'},
} as const satisfies Record<string, FlagSpec>

const json = (schema: string) => ({type: 'boolean', description: `print JSON (schema: ${schema})`, default: false}) as const
const worktree = {type: 'string', description: 'git worktree to examine', required: true} as const
const jobId = {type: 'string', description: 'job id (or give it as the first argument)', required: true} as const
/** `<command> bd-1` = `<command> --beads bd-1` */
const beadsArg = {beads: {flag: 'beads', description: 'job id (same as --beads)'}} as const satisfies Record<string, ArgSpec>

export const COMMANDS = {
  'baseline-gate': {
    flags: {
      worktree,
      'required-baseline': {type: 'string', description: 'commit sha that must be in the history of HEAD', required: true},
      json: json('gate'),
    },
  },
  check: {
    args: beadsArg,
    remote: true,
    fastPath: true,
    flags: {
      beads: jobId,
      json: json('check'),
      ...(thresholdFlags as ThresholdFlags),
    },
  },
  'evidence-gate': {
    args: beadsArg,
    flags: {
      beads: {type: 'string', description: 'the job whose sign-off this is (its worktree, its recorded evidence commands)', required: true},
      'signoff-file': {type: 'string', description: "the agent's sign-off (markdown): its claims are re-run, not believed", required: true},
      timeout: {type: 'string', description: 'longest each verification command may run (e.g. 90s, 10m); then its whole process group is ended', default: '10m'},
      json: json('evidence-gate'),
    },
  },
  'feature-key-gate': {
    flags: {
      worktree,
      'feature-key': {type: 'string', description: 'the key every commit must carry', required: true},
      base: {type: 'string', description: 'commits after this ref are checked (default: the start commit of --beads)'},
      beads: {type: 'string', description: 'take --base from this job: the commit its worktree was at when it started'},
      json: json('gate'),
    },
  },
  finalize: {
    args: beadsArg,
    flags: {
      beads: jobId,
      'reason-code': {type: 'string', description: 'why the job ended: one of the reason codes (README "States")', required: true},
      'exit-code': {type: 'integer', description: 'the exit status to record (default: the rc on disk, else 0 for outcome_exit_0 and 1 for any other reason)', min: 0},
      json: json('finalize'),
    },
  },
  hosts: {
    flags: {
      json: json('hosts'),
    },
  },
  'integrity-gate': {
    flags: {
      worktree,
      'reported-commit': {type: 'string', description: 'the commit the agent reported', required: true},
      json: json('gate'),
    },
  },
  logs: {
    args: beadsArg,
    remote: true,
    flags: {
      beads: jobId,
      follow: {type: 'boolean', char: 'f', description: 'keep printing new output until the job ends', default: false},
      lines: {type: 'integer', char: 'n', description: 'lines of existing output to show first', default: 50, min: 0},
      json: {type: 'boolean', description: 'JSON Lines: one {"beads", "line"} object per line of output (schema: log-line)', default: false},
    },
  },
  profiles: {
    flags: {
      json: json('profiles'),
    },
  },
  'profiles:show': {
    flags: {
      provider: {type: 'string', description: 'as start --provider: the value a start given it would use'},
      model: {type: 'string', description: 'as start --model'},
      timeout: {type: 'string', description: 'as start --timeout (e.g. 90s, 30m, 2h)'},
      'fallback-provider': {type: 'string', description: 'as start --fallback-provider'},
      'fallback-model': {type: 'string', description: 'as start --fallback-model'},
      'max-parallel': profileFlags['max-parallel'],
      'queue-timeout': profileFlags['queue-timeout'],
      ...budgetFlags,
      json: json('settings'),
    },
  },
  preflight: {
    remote: true,
    flags: {
      provider: {type: 'string', description: 'only this provider'},
      'fallback-model': {type: 'string', description: 'comma-separated models the model policy may fall back to (opencode)'},
      json: json('preflight'),
    },
  },
  probe: {
    remote: true,
    flags: {
      provider: {type: 'string', description: 'provider name', required: true},
      model: {type: 'string', description: 'model id (default: the provider\'s)'},
      timeout: {type: 'integer', description: 'seconds to wait for the answer', default: 60},
      json: json('probe'),
    },
  },
  providers: {
    flags: {
      json: json('providers'),
    },
  },
  prune: {
    remote: true,
    flags: {
      beads: {type: 'string', description: 'only this job'},
      json: json('prune'),
    },
  },
  report: {
    args: beadsArg,
    remote: true,
    flags: {
      beads: jobId,
      format: {type: 'string', description: 'output format (default json)', options: ['json', 'markdown']},
      json: json('report'),
    },
  },
  restart: {
    args: beadsArg,
    remote: true,
    flags: {
      beads: jobId,
      json: json('start'),
    },
  },
  'scope-gate': {
    flags: {
      worktree,
      beads: {type: 'string', description: 'judge the changes since this job started (its start commit, minus the paths dirty then) against its recorded scope'},
      base: {type: 'string', description: 'count the changes since this commit instead of the job\'s start commit'},
      'allowed-paths-file': {type: 'string', description: 'gitignore-style patterns, one a line (# comments, ! forbids); a changed path must match'},
      'mutation-budget': {type: 'integer', description: 'at most this many changed files', min: 0},
      'file-budget': {type: 'integer', description: 'at most this many changed lines (added + deleted; an untracked file counts its lines)', min: 0},
      json: json('scope-gate'),
    },
  },
  start: {
    args: beadsArg,
    remote: true,
    fastPath: true,
    flags: {
      beads: {type: 'string', description: 'job id: 1-64 of [A-Za-z0-9._-], not starting with . or - (or give it as the first argument)', required: true},
      provider: {type: 'string', description: 'provider name (see `dx-runner providers`); default: the profile\'s, else default_provider from the config file'},
      'prompt-file': {type: 'string', description: 'readable, non-empty file with the task; - reads it from stdin (kept under <root>/.prompts for restart)', required: true},
      worktree: {type: 'string', description: 'directory the agent works in (default: current directory); must be under an allowed prefix'},
      repo: {type: 'string', description: 'repository name, for reports'},
      model: {type: 'string', description: 'model id (default: the provider\'s)'},
      pty: {type: 'boolean', description: 'run the agent under script(1) so it sees a terminal', default: false},
      'required-baseline': {type: 'string', description: 'commit that must be HEAD or an ancestor of HEAD'},
      'feature-key': {type: 'string', description: 'Feature-Key trailer every commit of the job must carry (recorded in .contract)'},
      timeout: {type: 'string', description: 'end the agent after this long (e.g. 90s, 30m, 2h): the max_runtime budget, reason timeout'},
      ...budgetFlags,
      'fallback-provider': {type: 'string', description: 'comma-separated providers to try, in order, when --provider cannot serve (credentials or preflight)'},
      'fallback-model': {type: 'string', description: 'comma-separated models to try, in order, when --model (or the default) is unavailable (providers with a model policy: opencode)'},
      ...profileFlags,
      queue: {type: 'boolean', description: 'when the provider is full, record the job as queued and return at once; it launches when its turn comes', default: false, helpGroup: 'CONCURRENCY'},
      json: {type: 'boolean', description: 'print the job as JSON', default: false},
    },
  },
  status: {
    aliases: ['ls', 'ps', 'list'],
    args: {beads: {flag: 'beads', description: 'only this job (same as --beads)'}},
    remote: true,
    fastPath: true,
    flags: {
      beads: {type: 'string', description: 'only this job', forward: true},
      provider: {type: 'string', description: 'only jobs of this provider', forward: true},
      json: json('status'),
      'all-hosts': {type: 'boolean', description: 'this machine and every configured host (one ssh each, in parallel); rows gain a host field, an unreachable host is one row with reason host_unreachable', default: false, helpGroup: 'REMOTE', oclifOnly: true},
      watch: {type: 'boolean', char: 'w', description: 'redraw the table in place every --interval seconds until interrupted', default: false, oclifOnly: true},
      interval: {type: 'string', description: 'seconds between redraws with --watch', default: '2', oclifOnly: true},
      ...(thresholdFlags as ThresholdFlags),
    },
  },
  stop: {
    args: beadsArg,
    remote: true,
    flags: {
      beads: jobId,
      grace: {type: 'string', description: 'seconds between TERM and KILL (default 10)'},
      json: json('stop'),
    },
  },
  wait: {
    args: {beads: {flag: 'beads', description: 'job ids to wait for (same as --beads a,b)', many: true}},
    remote: true,
    flags: {
      beads: {type: 'string', description: 'comma-separated job ids to wait for (an id with no job is missing at once)'},
      all: {type: 'boolean', description: 'every job in the root when wait starts', default: false},
      for: {type: 'string', description: 'done when terminal, or also when healthy / stalled', options: ['terminal', 'healthy', 'stalled'], default: 'terminal'},
      timeout: {type: 'string', description: 'give up after this long (e.g. 90s, 30m, 2h): exit 124, naming the jobs not done on stderr'},
      json: json('wait'),
      ...(thresholdFlags as ThresholdFlags),
    },
  },
  watchdog: {
    flags: {
      interval: {type: 'string', description: 'seconds between rounds', default: '30'},
      'max-retries': {type: 'integer', description: 'restarts before a job is blocked', default: DEFAULT_WATCHDOG_POLICY.maxRetries, min: 0, forward: true},
      'backoff-seconds': {type: 'string', description: 'wait before the first restart; doubles each retry', default: String(DEFAULT_WATCHDOG_POLICY.backoffBaseSec), forward: true},
      'backoff-cap-seconds': {type: 'string', description: 'longest wait between restarts', default: String(DEFAULT_WATCHDOG_POLICY.backoffCapSec), forward: true},
      once: {type: 'boolean', description: 'run one round and exit', default: false},
      json: {type: 'boolean', description: 'one JSON object per line', default: false},
      'all-hosts': {type: 'boolean', description: 'each round also runs `watchdog --once` on every configured host over ssh (same policy); their lines carry a host field', default: false, helpGroup: 'REMOTE'},
      ...(thresholdFlags as ThresholdFlags),
    },
  },
} as const satisfies Record<string, CommandSpec>

/** The threshold flags as the type system sees them (each an optional string). */
type ThresholdFlags = Record<'stall-minutes' | 'no-op-minutes' | 'first-output-seconds' | 'rc-grace-seconds', {type: 'string'; description: string; forward: true}>

export type CommandId = keyof typeof COMMANDS

/** A command's id from the name typed (an alias such as `ls` → `status`), or undefined. */
export function commandFromName(name: string | undefined): CommandId | undefined {
  if (name === undefined) return undefined
  if (Object.hasOwn(COMMANDS, name)) return name as CommandId
  return (Object.entries(COMMANDS as Record<string, CommandSpec>).find(([, c]) => c.aliases?.includes(name))?.[0]) as CommandId | undefined
}

/** The commands `--host` sends to another machine. */
export const REMOTE_COMMANDS: ReadonlySet<string> = new Set(Object.entries(COMMANDS as Record<string, CommandSpec>).filter(([, c]) => c.remote).map(([id]) => id))

/** The flags `--all-hosts` passes on to the same command on each host. */
export function forwardedFlags(command: CommandId): string[] {
  return Object.entries((COMMANDS[command] as CommandSpec).flags).filter(([, f]) => f.forward).map(([name]) => name)
}

/**
 * node:util parseArgs options for the fast path: the command's flags it understands (not --host,
 * handled before, nor the oclif-only ones). Anything else makes parseArgs fail: oclif takes over.
 */
export function fastPathOptions(command: CommandId): Record<string, {type: 'string' | 'boolean'}> {
  const spec = COMMANDS[command] as CommandSpec
  if (!spec.fastPath) return {}
  return Object.fromEntries(
    Object.entries(spec.flags)
      .filter(([, f]) => !f.oclifOnly)
      .map(([name, f]) => [name, {type: f.type === 'boolean' ? 'boolean' : 'string'}]),
  )
}
