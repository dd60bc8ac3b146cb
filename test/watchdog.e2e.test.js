import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {BIN, jobFile, sandbox, TOKEN, waitFor} from './helpers.js'

const FAST = ['--stall-minutes', '0.05', '--no-op-minutes', '60', '--backoff-seconds', '0']

function spawnCli(sb, args) {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: sb.worktree, env: sb.env, stdio: ['ignore', 'pipe', 'pipe']})
  const out = {stdout: '', stderr: '', code: undefined}
  child.stdout.on('data', (d) => (out.stdout += d))
  child.stderr.on('data', (d) => (out.stderr += d))
  const exited = new Promise((r) => child.once('exit', (code) => r((out.code = code))))
  return {child, out, exited}
}

describe('watchdog and logs (real jobs)', function () {
  let sim
  const sandboxes = []
  const children = []
  const make = (label, scenario, extraEnv = {}) => {
    const sb = sandbox(label)
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`}, extraEnv)
    sandboxes.push(sb)
    return sb
  }
  const start = (sb, beads, prompt = sb.prompt) => {
    const r = sb.run(['start', '--beads', beads, '--provider', 'cc-glm', '--prompt-file', prompt])
    expect(r.code, r.stderr).to.equal(0)
  }
  const state = (sb, beads, flags = []) => sb.json(['check', '--beads', beads, '--json', ...flags]).doc

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })
  after(async () => {
    await sim?.close()
  })

  it('hang + --max-retries 2: two restarts, rotated logs, then blocked / retries_exhausted; SIGTERM ends it cleanly', async () => {
    const sb = make('wd-hang', 'hang')
    start(sb, 'bd-wd')
    const wd = spawnCli(sb, ['watchdog', '--interval', '1', '--max-retries', '2', '--json', ...FAST])
    children.push(wd.child)
    await waitFor(() => wd.out.stdout.includes('"action":"blocked"'), {timeoutMs: 90_000, what: 'blocked'})
    wd.child.kill('SIGTERM')
    expect(await wd.exited).to.equal(0)
    const lines = wd.out.stdout.trim().split('\n').map((l) => JSON.parse(l))
    const restarts = lines.filter((l) => l.action === 'restarted')
    expect(restarts.map((l) => l.retry_count)).to.deep.equal([1, 2])
    const blocked = lines.find((l) => l.action === 'blocked')
    expect(blocked).to.include({beads: 'bd-wd', reason_code: 'retries_exhausted'})
    expect(lines.at(-1).action).to.equal('stopped')
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-wd', 'log.1'))).to.equal(true)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-wd', 'log.2'))).to.equal(true)
    const c = sb.json(['check', '--beads', 'bd-wd', '--json'])
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'blocked', reason_code: 'retries_exhausted', retry_count: 2})
    expect(sb.groups().every((g) => !existsSync(`/proc/${g}`) || readFileSync(`/proc/${g}/stat`, 'latin1').includes(') Z '))).to.equal(true)
  })

  it('401: no restart, blocked / provider_auth_failed on the first round', async () => {
    const sb = make('wd-401', '401')
    start(sb, 'bd-401')
    // the job's own observation ends it as soon as the refused key shows in its output
    await waitFor(() => state(sb, 'bd-401').reason_code === 'provider_auth_failed', {what: 'auth failure'})
    const r = sb.run(['watchdog', '--once', '--json', ...FAST])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.not.include('"action":"restarted"')
    expect(r.stdout).to.include('"action":"blocked"')
    expect(state(sb, 'bd-401')).to.include({state: 'blocked', reason_code: 'provider_auth_failed', retry_count: 0})
  })

  it('429: waits out the limit without spending a retry', async () => {
    const sb = make('wd-429', '429', {CLAUDE_CODE_MAX_RETRIES: '0'})
    start(sb, 'bd-429')
    await waitFor(() => state(sb, 'bd-429').reason_code === 'provider_rate_limited', {what: 'rate limited'})
    const r = sb.run(['watchdog', '--once', '--json', '--backoff-seconds', '600'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.stdout).to.include('"action":"waiting"')
    expect(r.stdout).to.not.include('"action":"restarted"')
    expect(state(sb, 'bd-429').retry_count).to.equal(0)
  })

  it('a round where one restart fails still restarts the other stalled job', async () => {
    const sb = make('wd-fail', 'hang')
    const doomed = join(sb.base, 'doomed.md')
    writeFileSync(doomed, 'task\n')
    start(sb, 'bd-doomed', doomed)
    start(sb, 'bd-fine')
    await waitFor(() => ['bd-doomed', 'bd-fine'].every((b) => state(sb, b, FAST.slice(0, 4)).state === 'stalled'), {what: 'both stalled'})
    rmSync(doomed)
    const r = sb.run(['watchdog', '--once', '--json', ...FAST])
    expect(r.code, r.stderr).to.equal(0)
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.find((l) => l.action === 'failed')).to.include({beads: 'bd-doomed'})
    expect(lines.find((l) => l.action === 'restarted')).to.include({beads: 'bd-fine', retry_count: 1})
    expect(state(sb, 'bd-fine').retry_count).to.equal(1)
  })

  it('only one watchdog per root', async () => {
    const sb = make('wd-one', 'hang')
    const first = spawnCli(sb, ['watchdog', '--interval', '1'])
    children.push(first.child)
    await waitFor(() => first.out.stdout.includes('started'), {what: 'first watchdog'})
    const second = sb.run(['watchdog', '--once'])
    expect(second.code).to.equal(1)
    expect(second.stderr.trim().split('\n')).to.have.length(1)
    expect(second.stderr).to.match(/already running/)
    first.child.kill('SIGINT')
    expect(await first.exited).to.equal(0)
  })

  it('logs --follow prints what the agent writes after it started and exits when the job ends', async () => {
    const sb = make('logs', 'slow')
    start(sb, 'bd-logs')
    const f = spawnCli(sb, ['logs', '--beads', 'bd-logs', '--follow', '--lines', '0'])
    children.push(f.child)
    expect(await f.exited).to.equal(0)
    expect(f.out.stdout).to.include('"type":"result"')
    const tail = sb.run(['logs', '--beads', 'bd-logs', '--lines', '1'])
    expect(tail.stdout.trim().split('\n')).to.have.length(1)
  })

  it('status --watch redraws the table in place on a terminal (cursor home, lines cleared, no full-screen clear)', () => {
    const sb = make('watch', 'answer')
    // script(1) gives the command a terminal; timeout ends the session after a few frames
    const r = spawnSync('timeout', ['-s', 'INT', '2.5', 'script', '-qfec', `${process.execPath} ${BIN} status --watch --interval 0.5`, '/dev/null'], {env: sb.env, encoding: 'latin1'})
    const frames = r.stdout.split('\u001b[H').slice(1)
    expect(frames.length).to.be.at.least(2)
    expect(r.stdout).to.include('\u001b[?1049h')
    expect(r.stdout).to.not.include('\u001b[2J')
    for (const f of frames.slice(0, 2)) {
      expect(f).to.include('dx-runner status')
      expect(f).to.include('no jobs\u001b[K')
    }
  })
})
