import {expect} from 'chai'
import {execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {BIN, groupMembers, jobFile, runAsync, sandbox, TOKEN, waitFor, walk} from '../helpers.js'

/** Processes whose command line or cwd mentions this sandbox: anything we might have orphaned. */
function processesOf(sb) {
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'latin1')
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      if (cmd.includes(sb.root) || cmd.includes(sb.worktree)) out.push(Number(name))
    } catch {}
  }
  return out
}

describe('reliability', function () {
  let sim
  const sandboxes = []
  const make = (label, scenario) => {
    const sb = sandbox(label)
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`})
    sandboxes.push(sb)
    return sb
  }
  const startArgs = (sb, beads) => ['start', '--beads', beads, '--provider', 'cc-glm', '--prompt-file', sb.prompt]
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) {
      for (const f of walk(sb.root)) if (readArtifact(f).includes(TOKEN)) throw new Error(`token leaked into ${f}`)
      await sb.cleanup()
    }
  })
  after(async () => {
    await sim?.close()
  })

  const checkJson = (sb, beads, flags = []) => sb.json(['check', '--beads', beads, '--json', ...flags])

  it('SIGKILL of the supervisor → exited_err / monitor_no_rc_file after the grace window', async () => {
    const sb = make('sigkill', 'slow')
    const start = sb.json(['start', '--beads', 'bd-mon', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(start.code, start.stderr).to.equal(0)
    process.kill(Number(start.doc.monitor_pid), 'SIGKILL')
    // while the agent still runs, it is not reported dead
    const live = checkJson(sb, 'bd-mon', ['--rc-grace-seconds', '1'])
    expect(live.doc.state).to.not.equal('exited_err')
    const final = await waitFor(() => {
      const c = checkJson(sb, 'bd-mon', ['--rc-grace-seconds', '1'])
      return c.doc.state === 'exited_err' ? c : undefined
    }, {what: 'monitor_no_rc_file'})
    expect(final.doc.reason_code).to.equal('monitor_no_rc_file')
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-mon', 'rc'))).to.equal(false)
  })

  it('a .pid naming a live unrelated process (this test) is not alive', async () => {
    const sb = make('pidreuse', 'answer')
    expect(sb.run(['start', '--beads', 'bd-pid', '--provider', 'cc-glm', '--prompt-file', sb.prompt]).code).to.equal(0)
    await waitFor(() => checkJson(sb, 'bd-pid').doc.state.startsWith('exited'), {what: 'bd-pid to finish'})
    // forge the record: our own PID, with a start time that is not ours
    const mine = readFileSync(`/proc/${process.pid}/stat`, 'latin1')
    const starttime = Number(mine.slice(mine.lastIndexOf(')') + 2).split(' ')[19])
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()
    for (const s of ['rc', 'outcome', 'heartbeat']) rmSync(jobFile(sb, 'cc-glm', 'bd-pid', s), {force: true})
    writeFileSync(jobFile(sb, 'cc-glm', 'bd-pid', 'pid'), `${process.pid} ${starttime + 7} ${boot}\n`)
    writeFileSync(jobFile(sb, 'cc-glm', 'bd-pid', 'monitor.pid'), `${process.pid} ${starttime + 7} ${boot}\n`)
    const c = checkJson(sb, 'bd-pid', ['--rc-grace-seconds', '0'])
    expect(c.doc.state).to.equal('exited_err')
    expect(c.doc.reason_code).to.equal('monitor_no_rc_file')
  })

  describe('kill -9 of start at each step: the job is fully registered or absent, never half', () => {
    for (const point of ['after-lock', 'after-spawn', 'after-meta']) {
      it(point, async () => {
        const sb = make(`kill-${point}`, 'hang')
        const r = sb.run(startArgs(sb, 'bd-k'), {env: {DX_RUNNER_FAULT: point}})
        expect(r.signal).to.equal('SIGKILL')
        await new Promise((res) => setTimeout(res, 500))
        const status = sb.json(['status', '--json'])
        expect(status.code).to.equal(0)
        if (point === 'after-meta') {
          // registered: listed, its agent running and accounted for
          expect(status.doc.jobs).to.have.length(1)
          const c = sb.json(['check', '--beads', 'bd-k', '--json'])
          expect(c.code, JSON.stringify(c.doc)).to.equal(0)
          expect(c.doc.pid).to.match(/^\d+$/)
          expect(sb.run(startArgs(sb, 'bd-k')).code).to.equal(25)
          expect(sb.run(['stop', '--beads', 'bd-k']).code).to.equal(0)
        } else {
          // absent: not listed, nothing running
          expect(status.doc.jobs).to.deep.equal([])
          await waitFor(() => processesOf(sb).length === 0, {timeoutMs: 10_000, what: 'no orphan'})
        }
        expect(processesOf(sb)).to.deep.equal([])
        const again = sb.run(startArgs(sb, 'bd-k'))
        expect(again.code, again.stderr).to.equal(0)
        expect(sb.json(['status', '--json']).doc.jobs.map((j) => j.beads)).to.deep.equal(['bd-k'])
      })
    }
  })

  it('10 concurrent starts of one beads id: exactly one job, the others exit 25', async () => {
    const sb = make('race', 'hang')
    const results = await Promise.all(Array.from({length: 10}, () => runAsync(sb, startArgs(sb, 'bd-race'))))
    const codes = results.map((r) => r.code).sort((a, b) => a - b)
    expect(codes, results.map((r) => r.stderr).join('')).to.deep.equal([0, 25, 25, 25, 25, 25, 25, 25, 25, 25])
    for (const r of results.filter((x) => x.code === 25)) expect(r.stderr.trim().split('\n')).to.have.length(1)
    await new Promise((res) => setTimeout(res, 300))
    // exactly one supervisor and one agent group for the id
    const live = sb.groups().filter((g) => groupMembers(g).length > 0)
    expect(live).to.have.length(1)
  })

  it('20 concurrent status/check/restart on one job: no torn or lost file, one live agent at the end', async () => {
    const sb = make('storm', 'hang')
    expect(sb.run(startArgs(sb, 'bd-storm')).code).to.equal(0)
    const cmds = []
    for (let i = 0; i < 20; i++) {
      const kind = i % 3
      cmds.push(kind === 0 ? ['status', '--json'] : kind === 1 ? ['check', '--beads', 'bd-storm', '--json'] : ['restart', '--beads', 'bd-storm', '--json'])
    }
    const results = await Promise.all(cmds.map((c) => runAsync(sb, c)))
    for (const [i, r] of results.entries()) {
      expect(r.code, `${cmds[i].join(' ')}: ${r.stderr}`).to.equal(0)
      const doc = JSON.parse(r.stdout)
      if (cmds[i][0] === 'status') expect(await validateDocument('status', doc)).to.deep.equal([])
    }
    for (const suffix of ['meta', 'heartbeat', 'mutation', 'contract']) {
      const text = readFileSync(jobFile(sb, 'cc-glm', 'bd-storm', suffix), 'utf8')
      expect(() => JSON.parse(text), suffix).to.not.throw()
    }
    expect(await validateDocument('meta', JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-storm', 'meta'), 'utf8')))).to.deep.equal([])
    const restarts = results.filter((_, i) => cmds[i][0] === 'restart').map((r) => JSON.parse(r.stdout))
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-storm', 'meta'), 'utf8'))
    expect(meta.retries).to.equal(restarts.length)
    const current = Number(readFileSync(jobFile(sb, 'cc-glm', 'bd-storm', 'monitor.pid'), 'utf8').split(' ')[0])
    for (const r of restarts) {
      const m = Number(r.monitor_pid)
      if (m !== current) expect(groupMembers(m), `old attempt ${m}`).to.deep.equal([])
    }
    expect(groupMembers(current).length).to.be.above(0)
    // no torn temp files left by the concurrent writers
    expect(readdirSync(join(sb.root, 'cc-glm', 'bd-storm')).filter((n) => n.endsWith('.tmp'))).to.deep.equal([])
  })

  it('kill -9 of the agent: exited_err with its non-zero rc', async () => {
    const sb = make('killagent', 'hang')
    const s = sb.json([...startArgs(sb, 'bd-ka'), '--json'])
    process.kill(Number(s.doc.pid), 'SIGKILL')
    const c = await waitFor(() => {
      const x = sb.json(['check', '--beads', 'bd-ka', '--json'])
      return x.doc.state === 'exited_err' ? x : undefined
    }, {what: 'agent death noticed'})
    expect(c.doc).to.include({reason_code: 'process_exit_with_rc', exit_code: '137'})
  })

  it('kill -9 of the whole group: exited_err after the grace window, not alive', async () => {
    const sb = make('killgroup', 'hang')
    const s = sb.json([...startArgs(sb, 'bd-kg'), '--json'])
    process.kill(-Number(s.doc.monitor_pid), 'SIGKILL')
    const c = await waitFor(() => {
      const x = sb.json(['check', '--beads', 'bd-kg', '--json', '--rc-grace-seconds', '1'])
      return x.doc.state === 'exited_err' ? x : undefined
    }, {what: 'group death noticed'})
    expect(c.doc.reason_code).to.equal('monitor_no_rc_file')
  })

  it('truncated, empty, binary and huge artifacts: no crash, documented reasons, other jobs unaffected', async () => {
    const sb = make('corrupt', 'answer')
    expect(sb.run(startArgs(sb, 'bd-good')).code).to.equal(0)
    await waitFor(() => sb.json(['check', '--beads', 'bd-good', '--json']).doc.state.startsWith('exited'), {what: 'good job done'})
    const dir = join(sb.root, 'cc-glm')
    const clone = (id) => {
      cpSync(join(dir, 'bd-good'), join(dir, id), {recursive: true, filter: (src) => !src.endsWith('/tmp')})
      const m = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', id, 'meta'), 'utf8'))
      writeFileSync(jobFile(sb, 'cc-glm', id, 'meta'), JSON.stringify({...m, beads: id}))
    }
    const bodies = {trunc: '{"a": ', empty: '', bin: Buffer.from([0xff, 0, 0xfe, 1, 2, 3]), huge: `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`}
    const expected = {}
    for (const [kind, body] of Object.entries(bodies)) {
      for (const artifact of ['meta', 'outcome', 'heartbeat', 'rc']) {
        const id = `bd-${artifact}-${kind}`
        clone(id)
        writeFileSync(jobFile(sb, 'cc-glm', id, artifact), body)
        if (artifact === 'rc') rmOutcome(jobFile(sb, 'cc-glm', id, 'outcome'))
        expected[id] = artifact
      }
    }
    const s = sb.json(['status', '--json'])
    expect(s.code, s.stderr).to.equal(0)
    expect(await validateDocument('status', s.doc)).to.deep.equal([])
    const byId = Object.fromEntries(s.doc.jobs.map((j) => [j.beads, j]))
    expect(byId['bd-good']).to.include({state: 'exited_ok'})
    for (const [id, artifact] of Object.entries(expected)) {
      const row = byId[id]
      expect(row, id).to.exist
      if (artifact === 'meta') expect(row, id).to.include({state: 'missing', reason_code: 'metadata_corrupt'})
      // a damaged outcome or heartbeat is rebuilt from the rc file and the log
      if (artifact === 'outcome' || artifact === 'heartbeat') expect(row.state, id).to.equal('exited_ok')
      // an rc file that is not an exit status cannot vouch for success
      if (artifact === 'rc') expect(row, id).to.include({state: 'exited_err', reason_code: 'process_exit_with_rc'})
    }
    for (const id of Object.keys(expected)) {
      const c = sb.run(['check', '--beads', id, '--json'])
      expect([0, 3], `${id}: ${c.stderr}`).to.include(c.code)
      expect(c.stderr).to.equal('')
    }
  })

  describe('hostile inputs: documented exit code, one clear line, nothing written outside DX_RUNNER_HOME', () => {
    let sb
    beforeEach(() => {
      sb = make('hostile', 'hang')
    })
    const oneLine = (r) => {
      const lines = r.stderr.split('\n').filter(Boolean)
      expect(lines, r.stderr).to.have.length(1)
      expect(lines[0]).to.match(/^dx-runner: /)
      expect(lines[0].length).to.be.below(400)
    }
    const cases = [
      ['path traversal in --worktree', (s) => ['--worktree', `${s.agentsDir}/../../etc`], 22],
      ['a very long --prompt-file', () => ['--prompt-file', `/tmp/${'p'.repeat(5000)}`], 1],
      ['a FIFO as prompt file', (s) => {
        const fifo = join(s.base, 'fifo')
        execFileSync('mkfifo', [fifo])
        return ['--prompt-file', fifo]
      }, 1],
      ['a symlink loop as prompt file', (s) => {
        symlinkSync(join(s.base, 'loop-b'), join(s.base, 'loop-a'))
        symlinkSync(join(s.base, 'loop-a'), join(s.base, 'loop-b'))
        return ['--prompt-file', join(s.base, 'loop-a')]
      }, 1],
      ['a symlink loop as worktree', (s) => {
        symlinkSync(join(s.agentsDir, 'wl-b'), join(s.agentsDir, 'wl-a'))
        symlinkSync(join(s.agentsDir, 'wl-a'), join(s.agentsDir, 'wl-b'))
        return ['--worktree', join(s.agentsDir, 'wl-a')]
      }, 1],
      ['an option-looking beads id', () => ['--beads', '--json'], 1],
      ['a beads id with a newline', () => ['--beads', 'a\nb'], 1],
      ['a very long beads id', () => ['--beads', 'b'.repeat(10000)], 1],
      ['an unknown provider with traversal', () => ['--provider', '../../etc'], 20],
      ['a bad --timeout', () => ['--timeout', 'forever'], 1],
      ['a model name with unusual characters is passed through, not a crash', () => ['--model', '\u00ff\u00fe'], 0],
    ]
    for (const [name, extra, code] of cases) {
      it(`${name} → ${code}`, async () => {
        // the CLI's own provider cache (~/.cache/dx-runner) is not a job artifact
        const outside = () => walk(sb.base).filter((f) => !f.startsWith(sb.root) && !f.startsWith(join(sb.home, '.cache/dx-runner/')))
        const flags = {'--beads': 'bd-h', '--provider': 'cc-glm', '--prompt-file': sb.prompt, '--worktree': sb.worktree}
        const over = extra(sb)
        const before = outside()
        for (let i = 0; i < over.length; i += 2) flags[over[i]] = over[i + 1]
        const args = ['start']
        for (const [k, v] of Object.entries(flags)) args.push(`${k}=${v}`)
        const r = sb.run(args, {timeoutMs: 30_000})
        expect(r.signal, 'must not hang').to.equal(null)
        expect(r.code, r.stderr).to.equal(code)
        if (code !== 0) {
          oneLine(r)
          expect(walk(sb.root)).to.deep.equal([])
        } else {
          sb.run(['stop', '--beads', 'bd-h'])
        }
        const after = outside()
        expect(after).to.deep.equal(before)
      })
    }
  })

  it('hostile values for every other command\'s flags: exit 1, one clear line, nothing written', async () => {
    const sb = make('flags', 'hang')
    const bad = [
      ['status', '--beads', '../etc'],
      ['status', '--stall-minutes', '-1'],
      ['status', '--watch', '--interval', '0'],
      ['check', '--beads', 'x', '--no-op-minutes', 'NaN'],
      ['check', '--beads', 'x', '--rc-grace-seconds', '1e999'],
      ['check', '--beads', 'a'.repeat(70)],
      ['stop', '--beads', 'x', '--grace', 'soon'],
      ['stop', '--beads', '../../x'],
      ['restart', '--beads', '-x'],
      ['report', '--beads', 'x', '--format', 'yaml'],
      ['logs', '--beads', 'x', '--lines', '-3'],
      ['prune', '--beads', 'a/b'],
      ['watchdog', '--interval', 'x', '--once'],
      ['watchdog', '--max-retries', '-1', '--once'],
      ['probe', '--provider', 'cc-glm', '--timeout', 'abc'],
      ['preflight', '--provider', '../x'],
      ['baseline-gate', '--worktree', sb.worktree, '--required-baseline', '--json'],
      ['feature-key-gate', '--worktree', sb.worktree, '--feature-key', 'k', '--base', 'no-such-ref'],
      ['integrity-gate', '--worktree', join(sb.base, 'missing'), '--reported-commit', 'abc1234'],
    ]
    for (const args of bad) {
      const r = sb.run(args)
      expect(r.signal, args.join(' ')).to.equal(null)
      expect([1, 20], `${args.join(' ')} → ${r.code}: ${r.stderr}`).to.include(r.code)
      const lines = r.stderr.split('\n').filter(Boolean)
      expect(lines, `${args.join(' ')}: ${r.stderr}`).to.have.length(1)
      expect(lines[0]).to.match(/^dx-runner: /)
    }
    expect(walk(sb.root)).to.deep.equal([])
  })

  it('a non-UTF-8 beads id → exit 1, one clear line', () => {
    const sb = make('bytes', 'hang')
    const r = execFileSync('sh', ['-c', `${process.execPath} ${BIN} start --beads "$(printf 'bd-\\377\\376')" --provider cc-glm --prompt-file ${sb.prompt} 2>&1; echo "rc=$?"`], {env: sb.env, encoding: 'latin1'})
    expect(r).to.match(/rc=1\s*$/)
    expect(r.split('\n').filter(Boolean)).to.have.length(2)
    expect(r).to.match(/^dx-runner: invalid --beads/)
    expect(walk(sb.root)).to.deep.equal([])
  })
})

/** An artifact's bytes; a symlink (a lock, `stopping`) is its target. */
function readArtifact(f) {
  try {
    return readFileSync(f)
  } catch {
    return Buffer.from(readlinkSync(f))
  }
}

function rmOutcome(path) {
  try {
    readFileSync(path)
    writeFileSync(path, '')
    // an empty outcome is corrupt: the rc file decides
  } catch {}
}

