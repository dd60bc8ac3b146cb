// The evidence gate (issue 16 item 2): a sign-off's claims are re-run, not believed. One finished job
// (a fake `claude` that runs its prompt as sh and commits a file) in a git worktree whose package.json
// `test` script each test sets; its profile maps `tests` to `npm test` and `build` to a script that hangs.
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {BIN, CLAUDE_OK, fakeAgent, stopGroup, groupMembers, jobFile, pidAlive, sandbox, TOKEN, waitFor} from './helpers.js'

/** A failure under --json: one error document on stdout with that exit code, valid against schema `error`. */
async function expectErrorDoc(stdout, code) {
  const doc = JSON.parse(stdout)
  expect(await validateDocument('error', doc)).to.deep.equal([])
  expect(doc.error.exit_code).to.equal(code)
}

const pgidOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
  } catch {
    return 0
  }
}

const AGENT = `echo work > feature.txt\ngit add feature.txt\ngit -c user.name=a -c user.email=a@example.com commit -q -m feature\n${CLAUDE_OK}exit 0\n`
/** Ignores TERM in the shell and in its background child: only the KILL after the grace ends them. */
const HANG = `trap '' TERM\n(trap '' TERM; exec sleep 300) &\necho $! > bg.pid\necho $$ > sh.pid\nwait\nsleep 300\n`

describe('evidence gate: claims are re-run in the job\'s worktree, not believed', function () {
  let sb
  const gate = async (signoff, flags = []) => {
    const file = join(sb.base, `signoff-${Math.random().toString(36).slice(2)}.md`)
    if (signoff !== null) writeFileSync(file, signoff)
    const r = sb.run(['evidence-gate', '--beads', 'bd-ev', '--signoff-file', file, '--json', ...flags])
    let doc
    try {
      doc = JSON.parse(r.stdout)
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\nstderr: ${r.stderr}`)
    }
    expect(await validateDocument('evidence-gate', doc)).to.deep.equal([])
    return {...r, doc}
  }
  const setTests = (body) => writeFileSync(join(sb.worktree, 'test.sh'), body)

  before(async () => {
    sb = fakeAgent(sandbox('evidence'))
    writeFileSync(join(sb.worktree, 'package.json'), JSON.stringify({name: 'ev', version: '1.0.0', private: true, scripts: {test: 'sh test.sh'}}))
    writeFileSync(join(sb.worktree, 'hang.sh'), HANG)
    setTests('exit 0\n')
    sb.git('add', '.')
    sb.git('commit', '-q', '-m', 'project')
    const profile = join(sb.base, 'checked.json')
    writeFileSync(profile, JSON.stringify({evidence: {tests: 'npm test', build: 'sh hang.sh'}}))
    const s = sb.startScript('bd-ev', AGENT, ['--profile', profile])
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => /^exited_/.test(sb.json(['check', '--beads', 'bd-ev', '--json']).doc.state), {what: 'the job to finish', timeoutMs: 90_000})
  })
  after(async () => {
    await sb.cleanup()
  })

  it('a "tests pass" claim whose test command fails is refuted: exit 24 claim_refuted with the command\'s exit code, and no secret reaches the command', async () => {
    setTests('env\necho "3 failing"\nexit 3\n')
    const r = await gate('Implemented the feature. All tests pass.\n')
    expect(r.code, r.stderr).to.equal(24)
    expect(r.doc).to.include({gate: 'evidence', passed: false, reason_code: 'claim_refuted'})
    const [claim] = r.doc.details.claims
    expect(claim).to.include({text: 'All tests pass', kind: 'tests', status: 'refuted', command: 'npm test'})
    expect(claim.run).to.include({exit_code: 3, timed_out: false, signal: null})
    expect(claim.run.output_tail).to.contain('3 failing').and.contain('PATH=')
    expect(claim.run.output_tail).to.not.contain(TOKEN)
    expect(claim.run.output_tail).to.not.contain('CC_GLM_AUTH_TOKEN')
    expect(r.doc.details.head).to.equal(sb.git('rev-parse', 'HEAD'))
    expect(r.doc.details.commands_source).to.equal('profile')
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-ev', 'meta'), 'utf8'))
    expect(meta.settings.evidence).to.deep.equal({tests: 'npm test', build: 'sh hang.sh'})
    expect(sb.git('log', '-1', '--format=%s')).to.equal('feature')
  })

  it('passes (exit 0) when every claimed command exits 0, checked items included', async () => {
    setTests('echo ok\n')
    const r = await gate('## Sign-off\n- [x] npm test passes\n- [ ] docs updated\n\nAll 12 tests passing.\n')
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc).to.include({passed: true, reason_code: null})
    expect(r.doc.details.claims.map((c) => [c.kind, c.status, c.line])).to.deep.equal([['tests', 'verified', 2], ['tests', 'verified', 5]])
    expect(r.doc.details.claims[0].run.exit_code).to.equal(0)
  })

  it('a claim no command checks is unverifiable: exit 24 unverified_claims', async () => {
    setTests('exit 0\n')
    const r = await gate('- [x] tests pass\n- [x] updated the changelog\nLint clean.\n')
    expect(r.code, r.stderr).to.equal(24)
    expect(r.doc.reason_code).to.equal('unverified_claims')
    expect(r.doc.details.claims.map((c) => [c.text, c.kind, c.status, c.command])).to.deep.equal([
      ['tests pass', 'tests', 'verified', 'npm test'],
      ['updated the changelog', null, 'unverifiable', null],
      ['Lint clean', 'lint', 'unverifiable', null],
    ])
  })

  it('a verification command that hangs is ended at its bound, its whole process group with it', async () => {
    for (const f of ['bg.pid', 'sh.pid']) if (existsSync(join(sb.worktree, f))) throw new Error(`${f} left from before`)
    const r = await gate('The build succeeds.\n', ['--timeout', '2s'])
    expect(r.code, r.stderr).to.equal(24)
    expect(r.doc.reason_code).to.equal('claim_refuted')
    const [claim] = r.doc.details.claims
    expect(claim).to.include({kind: 'build', status: 'refuted', command: 'sh hang.sh'})
    expect(claim.run).to.include({timed_out: true, exit_code: null})
    expect(claim.run.signal).to.be.oneOf(['SIGTERM', 'SIGKILL'])
    const sh = Number(readFileSync(join(sb.worktree, 'sh.pid'), 'utf8'))
    const bg = Number(readFileSync(join(sb.worktree, 'bg.pid'), 'utf8'))
    expect(pidAlive(sh), 'the command\'s shell').to.equal(false)
    // it ignored TERM: only the KILL after the grace ended it
    expect(pidAlive(bg), 'its background child').to.equal(false)
    expect(groupMembers(sh), 'its process group').to.deep.equal([])
  })

  it('a gate interrupted while its command runs ends the command\'s whole group too', async () => {
    for (const f of ['bg.pid', 'sh.pid']) rmSync(join(sb.worktree, f), {force: true})
    const file = join(sb.base, 'build-signoff.md')
    writeFileSync(file, 'build ok\n')
    const g = spawn(process.execPath, [BIN, 'evidence-gate', '--beads', 'bd-ev', '--signoff-file', file, '--timeout', '5m'], {cwd: sb.worktree, env: sb.env, detached: true, stdio: 'ignore'})
    const exited = new Promise((r) => g.once('exit', (code, signal) => r({code, signal})))
    let sh = 0
    try {
      await waitFor(() => existsSync(join(sb.worktree, 'bg.pid')) && existsSync(join(sb.worktree, 'sh.pid')), {what: 'the build command to start'})
      sh = Number(readFileSync(join(sb.worktree, 'sh.pid'), 'utf8'))
      const bg = Number(readFileSync(join(sb.worktree, 'bg.pid'), 'utf8'))
      expect(pidAlive(bg)).to.equal(true)
      process.kill(g.pid, 'SIGTERM')
      const end = await exited
      expect(end.code).to.equal(143)
      await waitFor(() => !pidAlive(sh) && !pidAlive(bg), {timeoutMs: 10_000, what: 'the command\'s group to be gone'})
      expect(groupMembers(sh)).to.deep.equal([])
    } finally {
      await stopGroup(g.pid, 'the gate')
      // on a failure, the command's own group (its leader is the gate's sh -c) must not outlive the test
      const pgid = sh && pgidOf(sh)
      if (pgid) await stopGroup(pgid, 'the build command')
    }
  })

  it('a missing, empty or claimless sign-off fails with signoff_missing', async () => {
    for (const [signoff, message] of [[null, 'does not exist'], ['  \n', 'empty'], ['Did the work, see the diff.\n', 'claims nothing']]) {
      const r = await gate(signoff)
      expect(r.code, r.stderr).to.equal(24)
      expect(r.doc.reason_code).to.equal('signoff_missing')
      expect(r.doc.details.claims).to.deep.equal([])
      expect(r.doc.details.message).to.contain(message)
    }
  })

  it('report shows the last result, in JSON (schema report) and markdown', async () => {
    setTests('echo "7 failing"\nexit 5\n')
    const g = await gate('- [x] tests\n')
    expect(g.code).to.equal(24)
    expect(JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-ev', 'evidence-gate'), 'utf8'))).to.deep.equal(g.doc)
    const rep = sb.json(['report', '--beads', 'bd-ev'])
    expect(rep.code, rep.stderr).to.equal(0)
    expect(await validateDocument('report', rep.doc)).to.deep.equal([])
    expect(rep.doc.evidence).to.deep.equal(g.doc)
    expect(rep.doc.evidence.details.claims[0].run).to.include({exit_code: 5})
    const md = sb.run(['report', '--beads', 'bd-ev', '--format', 'markdown'])
    expect(md.stdout).to.contain('## Evidence').and.contain('| tests | tests | refuted | npm test | 5 |')
  })

  it('a job whose profile declared no evidence uses the config file\'s; a job still running is refused (exit 25) and nothing runs', async () => {
    const cfg = join(sb.base, 'config.json')
    writeFileSync(cfg, JSON.stringify({evidence: {tests: 'echo from-config; exit 4'}}))
    const s = sb.startScript('bd-cfg', `${CLAUDE_OK}exit 0\n`)
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => /^exited_/.test(sb.json(['check', '--beads', 'bd-cfg', '--json']).doc.state), {what: 'bd-cfg to finish', timeoutMs: 90_000})
    const file = join(sb.base, 'cfg-signoff.md')
    writeFileSync(file, 'tests pass\n')
    const r = sb.json(['evidence-gate', '--beads', 'bd-cfg', '--signoff-file', file, '--json'], {env: {DX_RUNNER_CONFIG: cfg}})
    expect(r.code, r.stderr).to.equal(24)
    expect(await validateDocument('evidence-gate', r.doc)).to.deep.equal([])
    expect(r.doc.details.commands_source).to.equal('config')
    expect(r.doc.details.claims[0]).to.include({status: 'refuted', command: 'echo from-config; exit 4'})
    expect(r.doc.details.claims[0].run).to.include({exit_code: 4})

    const live = sb.startScript('bd-live', 'sleep 300\n')
    expect(live.code, live.stderr).to.equal(0)
    try {
      const g = sb.run(['evidence-gate', '--beads', 'bd-live', '--signoff-file', file, '--json'], {env: {DX_RUNNER_CONFIG: cfg}})
      expect(g.code, g.stderr).to.equal(25)
      // under --json a failure is the error document on stdout (README "Conventions every command follows")
      await expectErrorDoc(g.stdout, 25)
      expect(g.stderr).to.contain('still running')
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-live', 'evidence-gate'))).to.equal(false)
    } finally {
      sb.run(['stop', '--beads', 'bd-live', '--grace', '1'])
    }
  })

  it('a job whose worktree is gone exits 1 with one line, running nothing', async () => {
    const gone = join(sb.agentsDir, 'gone')
    mkdirSync(gone)
    const s = sb.startScript('bd-gone', `${CLAUDE_OK}exit 0\n`, ['--worktree', gone])
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => /^exited_/.test(sb.json(['check', '--beads', 'bd-gone', '--json']).doc.state), {what: 'bd-gone to finish', timeoutMs: 90_000})
    rmSync(gone, {recursive: true, force: true})
    const file = join(sb.base, 'gone-signoff.md')
    writeFileSync(file, 'tests pass\n')
    const r = sb.run(['evidence-gate', '--beads', 'bd-gone', '--signoff-file', file, '--json'])
    expect(r.code, r.stderr).to.equal(1)
    await expectErrorDoc(r.stdout, 1)
    expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1)
    expect(r.stderr).to.contain('is gone')
  })

  it('bad flags exit 1 and an unknown job exits 3, each with one line', () => {
    const file = join(sb.base, 'any.md')
    writeFileSync(file, 'tests pass\n')
    for (const [args, code] of [
      [['--beads', 'bd-ev', '--signoff-file', file, '--timeout', 'soon'], 1],
      [['--beads', '../x', '--signoff-file', file], 1],
      [['--beads', 'bd-ev'], 1],
      [['--beads', 'bd-nope', '--signoff-file', file], 3],
    ]) {
      const r = sb.run(['evidence-gate', ...args])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(code)
      expect(r.stdout).to.equal('')
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1)
    }
  })
})
