// The secret safety net at a job's end, and a cached preflight that must not outlive its inputs.
import {expect} from 'chai'
import {readFileSync, readlinkSync} from 'node:fs'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, jobFile, pidAlive, sandbox, startSimulatorProcess, TOKEN, waitFor, walk} from '../helpers.js'

/** An artifact's bytes; a symlink (a lock) is its target. */
const bytesOf = (f) => {
  try {
    return readFileSync(f)
  } catch {
    return Buffer.from(readlinkSync(f))
  }
}

describe('reliability: secrets a job wrote are redacted when it ends', function () {
  let sb
  afterEach(async () => sb?.cleanup())

  it('a fake agent writes its key into a shell snapshot and its log: both redacted, report lists them under secret_exposed, no artifact holds the key', async () => {
    sb = fakeAgent(sandbox('redact'))
    const script = [
      'mkdir -p "$TMPDIR/shell_snapshots"',
      // what Codex writes unless told not to
      'printf "declare -x CODEX_API_KEY=%s\\n" "$ANTHROPIC_AUTH_TOKEN" > "$TMPDIR/shell_snapshots/snapshot.sh"',
      'echo "debug: key is $ANTHROPIC_AUTH_TOKEN"',
      CLAUDE_OK.trimEnd(),
      'exit 0',
      '',
    ].join('\n')
    const s = sb.startScript('bd-leak', script)
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: 'the job and its supervisor to end'})
    const snapshot = readFileSync(jobFile(sb, 'cc-glm', 'bd-leak', 'tmp/shell_snapshots/snapshot.sh'), 'utf8')
    expect(snapshot).to.equal('declare -x CODEX_API_KEY=[redacted]\n')
    expect(readFileSync(jobFile(sb, 'cc-glm', 'bd-leak', 'log'), 'utf8')).to.include('debug: key is [redacted]')
    const r = sb.json(['report', '--beads', 'bd-leak'])
    expect(r.code, r.stderr).to.equal(0)
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
    expect(r.doc.secret_exposed).to.deep.equal(['log', 'tmp/shell_snapshots/snapshot.sh'])
    expect(r.doc.state).to.equal('exited_ok')
    for (const f of walk(sb.root)) expect(bytesOf(f).includes(TOKEN), f).to.equal(false)
  })

  it('a job that leaks nothing has no secret_exposed', async () => {
    sb = fakeAgent(sandbox('noleak'))
    const s = sb.startScript('bd-clean', `echo working\n${CLAUDE_OK}exit 0\n`)
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => !pidAlive(Number(s.doc.monitor_pid)) || undefined, {what: 'the job to end'})
    expect(sb.json(['report', '--beads', 'bd-clean']).doc).to.not.have.property('secret_exposed')
  })
})

describe('reliability: a cached preflight is reused only for the same inputs', function () {
  let sim, other, sb
  before(async () => {
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
    // another endpoint, which expects another key: it refuses ours
    other = await startSimulatorProcess({DXR_SIM_TOKEN: 'some-other-key-3c9e'}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
  })
  after(async () => {
    await sb?.cleanup()
    await sim?.stop()
    await other?.stop()
  })

  it('preflight passed and cached, then the endpoint changed to one that refuses the key: the next start exits 10 and launches nothing', async () => {
    sb = sandbox('pfcache')
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/hang`})
    const first = sb.json(['start', '--beads', 'bd-pf1', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(first.code, first.stderr).to.equal(0)
    expect(sb.run(['stop', '--beads', 'bd-pf1', '--grace', '2']).code).to.equal(0)
    const refused = sb.run(['start', '--beads', 'bd-pf2', '--provider', 'cc-glm', '--prompt-file', sb.prompt], {env: {CC_GLM_BASE_URL: `${other.url}/s/answer`}})
    expect(refused.code, refused.stderr).to.equal(10)
    expect(refused.stderr).to.match(/refused the key from CC_GLM_AUTH_TOKEN/)
    expect(refused.stderr.trim().split('\n')).to.have.length(1)
    const jobs = sb.json(['status', '--json']).doc.jobs.map((j) => j.beads)
    expect(jobs).to.deep.equal(['bd-pf1'])
    expect(walk(join(sb.root, 'cc-glm')).filter((f) => f.includes('bd-pf2'))).to.deep.equal([])
  })
})
