// `dx-runner wait`: blocks until jobs are done and exits with the worst `check` code. The agents are
// fake `claude`s running their prompt as sh (helpers.fakeAgent): cheap, and each ends exactly when the test says.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir, userInfo} from 'node:os'
import {dirname, join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {BIN, CLAUDE_OK, fakeAgent, groupAlive, jobFile, monitorPids, NODE_BIN, sandbox, stopGroup, waitFor} from './helpers.js'
import {generateKey, startSshServer} from './ssh-server.js'

/**
 * `dx-runner wait …` in the background (its own process group): its output as it comes, and at its
 * exit whether `watched` (a file) existed then.
 */
function startWait(sb, args, {env = {}, watched} = {}) {
  const child = spawn(process.execPath, [BIN, 'wait', ...args], {cwd: sb.worktree, env: {...sb.env, ...env}, stdio: ['ignore', 'pipe', 'pipe'], detached: true})
  const w = {child, stdout: '', stderr: '', lines: () => w.stdout.split('\n').filter(Boolean)}
  child.stdout.setEncoding('utf8').on('data', (d) => (w.stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (w.stderr += d))
  w.done = new Promise((resolve) => child.once('exit', (code) => resolve({code, watchedExisted: watched ? existsSync(watched) : undefined})))
  sb.waits = [...(sb.waits ?? []), child.pid]
  return w
}

/** Has a job been observed since `sinceMs` (its heartbeat rewritten by an observer; start writes the first one)? */
const observedSince = (sb, beads, sinceMs) => {
  try {
    return Date.parse(JSON.parse(readFileSync(jobFile(sb, 'cc-glm', beads, 'heartbeat'), 'utf8')).observed_at) >= sinceMs
  } catch {
    return false
  }
}

const until = (file) => `until [ -e '${file}' ]; do sleep 0.1; done\n`

describe('wait: block until jobs are done', function () {
  this.timeout(180_000)
  const sandboxes = []
  const make = (label) => {
    const sb = fakeAgent(sandbox(label))
    sandboxes.push(sb)
    return sb
  }
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) {
      for (const pid of sb.waits ?? []) await stopGroup(pid, 'wait')
      await sb.cleanup()
    }
  })

  /** Ten jobs bd-w0…bd-w9: bd-w9 runs `last` once the release file exists, the others `script(i)` at once. */
  function tenJobs(sb, script, last) {
    const release = join(sb.base, 'release')
    for (let i = 0; i < 10; i++) {
      const s = sb.startScript(`bd-w${i}`, i === 9 ? `echo working\n${until(release)}${last}` : script(i))
      expect(s.code, s.stderr).to.equal(0)
    }
    return {release, lastRc: jobFile(sb, 'cc-glm', 'bd-w9', 'rc')}
  }

  /** wait over ten jobs: nine are done and printed while it still waits for the tenth; it returns once the tenth's rc exists. */
  async function waitOverTen(sb, args, script, last) {
    const {release, lastRc} = tenJobs(sb, script, last)
    const w = startWait(sb, args, {watched: lastRc})
    await waitFor(() => w.lines().length >= 9 || w.child.exitCode !== null, {what: 'nine jobs printed', timeoutMs: 60_000})
    expect(w.lines(), w.stderr).to.have.length(9)
    expect(w.lines().join('\n')).not.to.include('bd-w9')
    // the tenth is still running: wait has not returned
    expect(w.child.exitCode, w.stderr).to.equal(null)
    expect(existsSync(lastRc)).to.equal(false)
    writeFileSync(release, '')
    const r = await w.done
    expect(r.watchedExisted, 'the last job\'s rc existed when wait returned').to.equal(true)
    return {...r, lines: w.lines(), stderr: w.stderr}
  }

  it('wait --all over 10 jobs returns once the last one has exited, each job printed as it ends, exit 0 when all are ok', async () => {
    const sb = make('wait-ok')
    const r = await waitOverTen(sb, ['--all'], () => `${CLAUDE_OK}exit 0\n`, `${CLAUDE_OK}exit 0\n`)
    expect(r.code, r.stderr).to.equal(0)
    expect(r.lines).to.have.length(10)
    expect(r.lines.at(-1)).to.equal('bd-w9 exited_ok exit_0_no_mutation rc=0')
    expect([...r.lines].sort()).to.deep.equal(Array.from({length: 10}, (_, i) => `bd-w${i} exited_ok exit_0_no_mutation rc=0`))
    expect(r.stderr).to.equal('')
    // wait records what it saw like status: the outcome of the last job is on disk with no other command run
    expect(JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-w9', 'outcome'), 'utf8'))).to.include({state: 'no_op', reason_code: 'exit_0_no_mutation', exit_code: 0})
  })

  it('wait --all over 10 jobs exits 3 when one of them failed', async () => {
    const sb = make('wait-fail')
    const r = await waitOverTen(sb, ['--all'], (i) => (i === 4 ? 'exit 5\n' : `${CLAUDE_OK}exit 0\n`), `${CLAUDE_OK}exit 0\n`)
    expect(r.code, r.stderr).to.equal(3)
    expect(r.lines).to.include('bd-w4 exited_err process_exit_with_rc rc=5')
    expect(r.lines.at(-1)).to.equal('bd-w9 exited_ok exit_0_no_mutation rc=0')
    expect(r.lines.filter((l) => l.includes(' exited_ok '))).to.have.length(9)
  })

  it('wait --all --for stalled over 10 jobs exits 2 when one stalled; --for terminal waits through the stall until --timeout: 124, naming it', async () => {
    const sb = make('wait-stall')
    const stall = {DX_RUNNER_STALL_MINUTES: '0.05', DX_RUNNER_NO_OP_MINUTES: '60'}
    for (let i = 0; i < 9; i++) expect(sb.startScript(`bd-w${i}`, `${CLAUDE_OK}exit 0\n`).code).to.equal(0)
    // the tenth says one thing and then sleeps without a sound, using no CPU
    expect(sb.startScript('bd-w9', 'echo working\nexec sleep 600\n').code).to.equal(0)
    const w = startWait(sb, ['--all', '--for', 'stalled'], {env: stall})
    const r = await w.done
    expect(r.code, w.stderr).to.equal(2)
    expect(w.lines()).to.have.length(10)
    expect(w.lines()).to.include('bd-w9 stalled no_progress')
    expect(w.lines().filter((l) => l.includes(' exited_ok '))).to.have.length(9)

    const t = startWait(sb, ['--all', '--timeout', '4s'], {env: stall})
    const tr = await t.done
    expect(tr.code).to.equal(124)
    expect(t.lines()).to.have.length(9)
    expect(t.stderr.trim().split('\n')).to.deep.equal(['dx-runner: wait timed out after 4s; not done: bd-w9 (stalled)'])
  })

  it('--timeout running out: exit 124, the jobs done printed, the others named on stderr; --json says which are done and validates', async () => {
    const sb = make('wait-timeout')
    expect(sb.startScript('bd-done', `${CLAUDE_OK}exit 0\n`).code).to.equal(0)
    expect(sb.startScript('bd-busy', 'echo working\nexec sleep 600\n').code).to.equal(0)
    const w = startWait(sb, ['--beads', 'bd-done,bd-busy', '--timeout', '3s'])
    const r = await w.done
    expect(r.code).to.equal(124)
    expect(w.lines()).to.deep.equal(['bd-done exited_ok exit_0_no_mutation rc=0'])
    expect(w.stderr.trim().split('\n')).to.have.length(1)
    expect(w.stderr).to.match(/^dx-runner: wait timed out after 3s; not done: bd-busy \((healthy|launching|waiting_first_output)\)\n$/)

    const j = sb.json(['wait', '--beads', 'bd-busy,bd-done', '--timeout', '1s', '--json'])
    expect(j.code).to.equal(124)
    expect(await validateDocument('wait', j.doc)).to.deep.equal([])
    expect(j.doc).to.include({for: 'terminal', timed_out: true, exit_code: 124})
    expect(j.doc.jobs.map((x) => [x.beads, x.done, x.code])).to.deep.equal([['bd-busy', false, null], ['bd-done', true, 0]])
    expect(j.doc.jobs[1]).to.include({provider: 'cc-glm', state: 'exited_ok', exit_code: '0'})
  })

  it('--json: one document at the end that validates; an id with no job is missing (3) at once', async () => {
    const sb = make('wait-json')
    expect(sb.startScript('bd-one', `${CLAUDE_OK}exit 0\n`).code).to.equal(0)
    const j = sb.json(['wait', '--beads', 'bd-one,bd-nope', '--json'])
    expect(j.code, j.stderr).to.equal(3)
    expect(await validateDocument('wait', j.doc)).to.deep.equal([])
    expect(j.doc).to.include({for: 'terminal', timed_out: false, exit_code: 3})
    expect(j.doc.jobs).to.have.length(2)
    expect(j.doc.jobs[0]).to.include({beads: 'bd-one', provider: 'cc-glm', state: 'exited_ok', reason_code: 'exit_0_no_mutation', exit_code: '0', done: true, code: 0})
    expect(j.doc.jobs[1]).to.include({beads: 'bd-nope', provider: '-', state: 'missing', reason_code: 'no_metadata', exit_code: '-', done: true, code: 3})
    // nothing named at all in an empty root
    const none = sandbox('wait-empty')
    sandboxes.push(none)
    const e = none.json(['wait', '--all', '--json'])
    expect(e.code).to.equal(0)
    expect(e.doc.jobs).to.deep.equal([])
    expect(await validateDocument('wait', e.doc)).to.deep.equal([])
  })

  it('--for healthy is done once the job runs with output, and a job that ends meanwhile is done too', async () => {
    const sb = make('wait-healthy')
    const go = join(sb.base, 'go')
    expect(sb.startScript('bd-h', `${until(go)}echo working\nexec sleep 600\n`).code).to.equal(0)
    expect(sb.startScript('bd-e', `${until(go)}exit 4\n`).code).to.equal(0)
    const t0 = Date.now()
    const w = startWait(sb, ['--beads', 'bd-h,bd-e', '--for', 'healthy'])
    await waitFor(() => observedSince(sb, 'bd-h', t0) || w.child.exitCode !== null, {what: 'wait to have looked'})
    expect(w.child.exitCode).to.equal(null)
    writeFileSync(go, '')
    const r = await w.done
    expect(r.code, w.stderr).to.equal(3)
    expect([...w.lines()].sort()).to.deep.equal(['bd-e exited_err process_exit_with_rc rc=4', 'bd-h healthy log_progress'])
  })

  it('a job killed with its supervisor (no rc ever written) is done once the rc grace has passed: exited_err / monitor_no_rc_file, exit 3', async () => {
    const sb = make('wait-killed')
    const s = sb.startScript('bd-k', 'echo working\nexec sleep 600\n')
    expect(s.code, s.stderr).to.equal(0)
    const t0 = Date.now()
    const w = startWait(sb, ['--beads', 'bd-k'], {env: {DX_RUNNER_RC_GRACE_SECONDS: '1'}})
    // it has seen the job alive: no file will tell it of the kill, its poll must
    await waitFor(() => observedSince(sb, 'bd-k', t0) || w.child.exitCode !== null, {what: 'wait to have looked'})
    expect(w.child.exitCode).to.equal(null)
    const monitor = Number(s.doc.monitor_pid)
    process.kill(-monitor, 'SIGKILL')
    const r = await w.done
    expect(r.code, w.stderr).to.equal(3)
    expect(w.lines()).to.deep.equal(['bd-k exited_err monitor_no_rc_file'])
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-k', 'rc'))).to.equal(false)
  })

  it('bad flags: one stderr line, exit 1, nothing waited for', () => {
    const sb = make('wait-bad')
    const cases = [
      [[], /^dx-runner: name the jobs to wait for: --beads a,b,c or --all$/],
      [['--all', '--beads', 'bd-a'], /^dx-runner: --beads and --all do not go together/],
      [['--all', '--timeout', 'soon'], /^dx-runner: invalid --timeout "soon"/],
      [['--all', '--timeout', '0'], /^dx-runner: invalid --timeout "0": must be greater than zero$/],
      [['--all', '--for', 'done'], /^dx-runner: .*--for.*terminal, healthy, stalled/],
      [['--beads', 'bd-a,,bd-b'], /^dx-runner: invalid --beads "bd-a,,bd-b"/],
      [['--beads', 'bd-a,../x'], /^dx-runner: invalid --beads "..\/x"/],
    ]
    for (const [args, message] of cases) {
      const r = sb.run(['wait', ...args])
      expect(r.code, args.join(' ')).to.equal(1)
      expect(r.stdout, args.join(' ')).to.equal('')
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1)
      expect(r.stderr.trim(), args.join(' ')).to.match(message)
    }
  })
})

describe('wait --host: over ssh (an ssh2 server on loopback)', function () {
  this.timeout(180_000)
  let dir, ssh, sb, remoteRoot, config

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dxr-wait-ssh-'))
    const hostKey = generateKey('host_key')
    const clientKey = generateKey('client_key')
    writeFileSync(join(dir, 'client_key'), clientKey.private, {mode: 0o600})
    sb = fakeAgent(sandbox('wait-remote'))
    // the "host" is this machine under another artifact root, with the same fake claude on its PATH
    remoteRoot = join(dir, 'remote-root')
    const remoteHome = join(dir, 'remote-home')
    mkdirSync(remoteHome)
    ssh = await startSshServer({
      hostKey: hostKey.private,
      authorizedKeys: [{publicKey: clientKey.public, env: {}}],
      env: {PATH: `${join(sb.base, 'fake-bin')}:${NODE_BIN}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: remoteHome, TMPDIR: remoteHome, LANG: 'C.UTF-8'},
    })
    writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${ssh.port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}\n`)
    writeFileSync(join(dir, 'ssh_config'), [
      'Host local-ssh',
      '  HostName 127.0.0.1',
      `  Port ${ssh.port}`,
      `  User ${userInfo().username}`,
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n'))
    config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({hosts: {'local-ssh': {ssh: 'local-ssh', ssh_config: join(dir, 'ssh_config'), dx_runner: BIN, dx_runner_home: remoteRoot, connect_timeout_seconds: 5}}}))
    await waitFor(() => {
      try {
        execFileSync('ssh', ['-F', join(dir, 'ssh_config'), '-o', 'BatchMode=yes', 'local-ssh', 'true'], {stdio: 'ignore', timeout: 10_000})
        return true
      } catch {
        return false
      }
    }, {what: 'the ssh server to accept the test key', timeoutMs: 30_000})
  })

  after(async () => {
    for (const pid of sb?.waits ?? []) await stopGroup(pid, 'wait')
    for (const g of remoteRoot ? monitorPids(remoteRoot) : []) if (groupAlive(g)) await stopGroup(g, 'remote job')
    await sb?.cleanup()
    await ssh?.stop()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it("wait --host blocks on the host's jobs, streams each line as it ends there, and exits with the host's code", async () => {
    const release = join(sb.base, 'release-remote')
    const onHost = {env: {DX_RUNNER_HOME: remoteRoot}}
    expect(sb.startScript('bd-r1', `${CLAUDE_OK}exit 0\n`, [], onHost).code).to.equal(0)
    expect(sb.startScript('bd-r2', `${until(release)}exit 6\n`, [], onHost).code).to.equal(0)
    const lastRc = jobFile(remoteRoot, 'cc-glm', 'bd-r2', 'rc')
    const w = startWait(sb, ['--host', 'local-ssh', '--beads', 'bd-r1,bd-r2'], {env: {DX_RUNNER_CONFIG: config}, watched: lastRc})
    await waitFor(() => w.lines().length >= 1 || w.child.exitCode !== null, {what: 'the first line over ssh'})
    expect(w.lines(), w.stderr).to.deep.equal(['bd-r1 exited_ok exit_0_no_mutation rc=0'])
    expect(w.child.exitCode, w.stderr).to.equal(null)
    writeFileSync(release, '')
    const r = await w.done
    expect(r.code, w.stderr).to.equal(3)
    expect(r.watchedExisted).to.equal(true)
    expect(w.lines()).to.deep.equal(['bd-r1 exited_ok exit_0_no_mutation rc=0', 'bd-r2 exited_err process_exit_with_rc rc=6'])
    // the jobs live on the host's root only, and --json comes back whole
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-r1', 'meta'))).to.equal(false)
    const j = sb.json(['wait', '--host', 'local-ssh', '--all', '--json'], {env: {DX_RUNNER_CONFIG: config}})
    expect(j.code, j.stderr).to.equal(3)
    expect(await validateDocument('wait', j.doc)).to.deep.equal([])
    expect(j.doc.jobs.map((x) => `${x.beads} ${x.state}`)).to.deep.equal(['bd-r1 exited_ok', 'bd-r2 exited_err'])
  })
})
