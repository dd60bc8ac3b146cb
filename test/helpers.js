// Shared e2e harness: every test gets its own DX_RUNNER_HOME, HOME, TMPDIR and git worktree,
// drives the built CLI exactly as a shell user would, and ends every process group it started.
import {createServer} from 'node:net'
import {spawn, spawnSync, execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(REPO, 'packages/cli/bin/run.js')
export const NODE_BIN = join(REPO, 'node_modules/.bin')
export const TOKEN = 'dxr-test-token-7f3a9c2e5b1d'

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms))
}

export async function waitFor(fn, {timeoutMs = 60_000, intervalMs = 200, what = 'condition'} = {}) {
  const end = Date.now() + timeoutMs
  let last
  for (;;) {
    last = await fn()
    if (last) return last
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(intervalMs)
  }
}

/** A fresh sandbox: artifact root, HOME, TMPDIR, and a git worktree under /tmp/agents. */
export function sandbox(label = 'job') {
  const base = mkdtempSync(join(tmpdir(), `dxr-e2e-${label}-`))
  mkdirSync('/tmp/agents', {recursive: true})
  const agentsDir = mkdtempSync(`/tmp/agents/dxr-e2e-${label}-`)
  const worktree = join(agentsDir, 'repo')
  mkdirSync(worktree)
  const git = (...args) => execFileSync('git', args, {cwd: worktree, stdio: 'pipe', env: {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com'}}).toString().trim()
  git('init', '-q', '-b', 'main')
  writeFileSync(join(worktree, 'README.md'), '# sandbox repo\n')
  git('add', '.')
  git('commit', '-q', '-m', 'initial')
  const home = join(base, 'home')
  const tmp = join(base, 'tmp')
  const root = join(base, 'dx-home')
  mkdirSync(home)
  mkdirSync(tmp)
  const prompt = join(base, 'prompt.md')
  writeFileSync(prompt, 'Create a file named sim-output.txt in the current directory.\n')
  const env = {
    PATH: `${NODE_BIN}:${process.env.PATH}`,
    HOME: home,
    TMPDIR: tmp,
    DX_RUNNER_HOME: root,
    LANG: 'C.UTF-8',
  }
  const sb = {
    base,
    agentsDir,
    worktree,
    root,
    home,
    prompt,
    env,
    git,
    /** Run the CLI to completion. */
    run(args, opts = {}) {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        cwd: opts.cwd ?? worktree,
        env: {...env, ...(opts.env ?? {})},
        encoding: 'utf8',
        timeout: opts.timeoutMs ?? 120_000,
        input: opts.input ?? '',
      })
      // Secret scan on every invocation of the whole suite: no output ever carries the token.
      for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]]) {
        if (text && text.includes(TOKEN)) throw new Error(`the test token leaked into ${name} of dx-runner ${args.join(' ')}`)
      }
      return {code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal}
    },
    json(args, opts) {
      const r = sb.run(args, opts)
      let doc
      try {
        doc = JSON.parse(r.stdout)
      } catch {
        throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\nstderr: ${r.stderr}`)
      }
      return {...r, doc}
    },
    /** Every monitor.pid under the root: the process groups this sandbox started. */
    groups() {
      return monitorPids(root)
    },
    /** Kill what this sandbox started (by process group) and remove its files. */
    async cleanup() {
      // Secret scan of everything the suite left under the artifact root, and of every live command line.
      for (const f of walk(sb.root)) {
        let data
        try {
          data = readFileSync(f)
        } catch {
          continue
        }
        if (data.includes(TOKEN)) throw new Error(`the test token leaked into ${f}`)
      }
      scanCmdlines()
      for (const g of sb.groups()) {
        if (groupAlive(g)) {
          try {
            process.kill(-g, 'SIGKILL')
          } catch {}
        }
      }
      await waitFor(() => sb.groups().every((g) => !groupAlive(g)), {timeoutMs: 10_000, what: 'sandbox groups to end'}).catch(() => {})
      rmSync(base, {recursive: true, force: true})
      rmSync(agentsDir, {recursive: true, force: true})
    },
  }
  return sb
}

/** No process on the machine carries the test token on its command line. */
export function scanCmdlines() {
  const pids = cmdlinesWith(TOKEN)
  if (pids.length > 0) throw new Error(`the test token is on the command line of pid ${pids.join(', ')}`)
}

/** Every process whose command line contains `needle` (pid list). */
export function cmdlinesWith(needle) {
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(needle)) out.push(Number(name))
    } catch {}
  }
  return out
}

/** Live (non-zombie) members of a process group, from /proc. */
export function groupMembers(pgid) {
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1')
    } catch {
      continue
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') out.push(Number(name))
  }
  return out
}

export function groupAlive(pgid) {
  return groupMembers(pgid).length > 0
}

/** A job's artifact (README "Artifacts": a directory per job). */
export function jobFile(sbOrRoot, provider, beads, name) {
  return join(typeof sbOrRoot === 'string' ? sbOrRoot : sbOrRoot.root, provider, beads, name)
}

/** The supervisor pids recorded under an artifact root (monitor.pid of every job, either layout). */
export function monitorPids(root) {
  return walk(root)
    .filter((f) => f.endsWith('/monitor.pid') || f.endsWith('.monitor.pid'))
    .map((f) => {
      try {
        return Number(readFileSync(f, 'latin1').split(' ')[0])
      } catch {
        return 0
      }
    })
    .filter((pid) => pid > 0)
}

/** Every file under a directory (for leak scans and "nothing written" checks). */
export function walk(dir) {
  const out = []
  if (!existsSync(dir)) return out
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

/** Start the loopback model simulator in its own process; resolves to {url, pid, stop()}. */
export async function startSimulatorProcess(extraEnv = {}, args = []) {
  const child = spawn(process.execPath, [join(REPO, 'packages/provider-testkit/bin/simulator.js'), ...args], {
    env: {...process.env, ...extraEnv},
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const line = await new Promise((resolve, reject) => {
    let buf = ''
    child.stdout.on('data', (d) => {
      buf += d
      const i = buf.indexOf('\n')
      if (i >= 0) resolve(buf.slice(0, i))
    })
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)))
  })
  const info = JSON.parse(line)
  return {
    url: info.url,
    pid: child.pid,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r()
        child.once('exit', () => r())
        child.kill('SIGTERM')
      }),
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** End a process group this test started (TERM, then KILL if it lingers). */
export async function stopGroup(pgid, what = 'process group') {
  try {
    process.kill(-pgid, 'SIGTERM')
  } catch {}
  await waitFor(() => !groupAlive(pgid), {timeoutMs: 10_000, what: `${what} to stop`}).catch(() => {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {}
  })
}

/**
 * The sandboxes of one provider's e2e file: make(label, ...args) gives a sandbox whose env is
 * envFor(...args); start/checkJson/finished drive its jobs; cleanup() ends them all (afterEach).
 */
export function providerJobs(provider, envFor) {
  const sandboxes = []
  const checkJson = (sb, beads, flags = []) => sb.json(['check', '--beads', beads, '--json', ...flags])
  return {
    make(label, ...args) {
      const sb = sandbox(label)
      Object.assign(sb.env, envFor(...args))
      sandboxes.push(sb)
      return sb
    },
    start: (sb, beads, extra = []) => sb.json(['start', '--beads', beads, '--provider', provider, '--prompt-file', sb.prompt, '--json', ...extra]),
    checkJson,
    /**
     * The hang scenario's two verdicts: the first `check` that exits 2 under a short stall threshold,
     * then the first that exits 23 under a short no-op threshold. The agent CLI may still wake now and
     * then (its own timers, first-run installs), so no_op waits for a quiet observation.
     */
    async stalledThenNoOp(sb, beads) {
      const stalled = await waitFor(() => {
        const x = checkJson(sb, beads, ['--stall-minutes', '0.05', '--no-op-minutes', '60'])
        return x.code === 2 ? x : undefined
      }, {what: `${beads} stalled (exit 2)`})
      const noop = await waitFor(() => {
        const x = checkJson(sb, beads, ['--no-op-minutes', '0.05'])
        return x.code === 23 ? x : undefined
      }, {what: `${beads} no_op (exit 23)`})
      return {stalled, noop}
    },
    finished: (sb, beads) =>
      waitFor(() => {
        const c = checkJson(sb, beads)
        return c.doc.state.startsWith('exited') ? c : undefined
      }, {what: `${beads} to finish`, timeoutMs: 90_000}),
    async cleanup() {
      for (const sb of sandboxes.splice(0)) await sb.cleanup()
    },
  }
}

/**
 * A fake `claude` first on the sandbox's PATH: it answers --version and otherwise runs its stdin (the
 * job's prompt) as a shell script, so a test scripts the agent's misbehaviour exactly. The cc-glm
 * provider drives it like the real CLI. `sb.startScript(id, script, flags)` starts a job running it.
 */
export function fakeAgent(sb) {
  const bin = join(sb.base, 'fake-bin')
  mkdirSync(bin, {recursive: true})
  writeFileSync(join(bin, 'claude'), '#!/bin/sh\ncase "$1" in --version) echo "2.1.197 (Claude Code)"; exit 0;; esac\nexec /bin/sh -s\n', {mode: 0o755})
  Object.assign(sb.env, {PATH: `${bin}:${sb.env.PATH}`, CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: 'http://127.0.0.1:9'})
  sb.startScript = (id, script, flags = [], opts = {}) => {
    const file = join(sb.base, `${id}.sh`)
    writeFileSync(file, script)
    const r = sb.run(['start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', file, '--json', ...flags], opts)
    let doc
    try {
      doc = JSON.parse(r.stdout)
    } catch {}
    return {...r, doc}
  }
  return sb
}

/** What a scripted agent prints to end like claude's own success (its stream-json result event). */
export const CLAUDE_OK = `echo '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s-1"}'\n`

/** Is this pid a live (non-zombie) process? */
export function pidAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const s = stat.slice(stat.lastIndexOf(')') + 2)[0]
    return s !== 'Z' && s !== 'X'
  } catch {
    return false
  }
}

/** `dx-runner <args>` in the sandbox without blocking this process (so a test can sample or race meanwhile). */
export function runAsync(sb, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: sb.worktree, env: {...sb.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
  })
}
