import {expect} from 'chai'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, groupAlive, jobFile, providerJobs, sandbox, TOKEN, waitFor} from './helpers.js'

async function expectValid(name, doc) {
  const errors = await validateDocument(name, doc)
  expect(errors, `${name} schema: ${errors.join('; ')}`).to.deep.equal([])
}

/** The agent's one Bash call: a file inside src/, one outside, both committed as the agent. */
const COMMIT = "mkdir -p src && printf 'a\\nb\\n' > src/ok.txt && echo leak > secret.txt && git add src/ok.txt secret.txt && git -c user.name=agent -c user.email=agent@example.com commit -q -m 'agent work'"

describe('scope gate', function () {
  let sim
  const claude = providerJobs('cc-glm', (scenario) => ({CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`}))
  const others = []

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    await claude.cleanup()
    for (const sb of others.splice(0)) await sb.cleanup()
  })
  after(async () => {
    await sim?.close()
  })

  /** A real claude job (simulator run-command) that commits src/ok.txt and secret.txt, in a worktree already dirty with README.md and notes.txt. */
  async function agentThatCommits(label, flagsFor = () => []) {
    const sb = claude.make(label, 'run-command')
    const startFlags = flagsFor(sb)
    writeFileSync(join(sb.worktree, 'README.md'), '# sandbox repo\nedited by the user before the job\n')
    writeFileSync(join(sb.worktree, 'notes.txt'), 'the user\'s own notes\n')
    writeFileSync(sb.prompt, `Run the command below.\nRUN: ${COMMIT}\n`)
    const s = claude.start(sb, 'bd-scope', startFlags)
    expect(s.code, s.stderr).to.equal(0)
    // wait for the supervisor's rc, not an observer: an observer may end a job that breaks its scope
    await waitFor(() => existsSync(jobFile(sb, 'cc-glm', 'bd-scope', 'rc')), {what: 'the agent to exit', timeoutMs: 90_000})
    expect(sb.git('log', '-1', '--format=%an %s')).to.equal('agent agent work')
    return sb
  }
  const patterns = (sb, text) => {
    const f = join(sb.base, `allowed-${Math.random().toString(36).slice(2)}.txt`)
    writeFileSync(f, text)
    return f
  }
  const gate = (sb, flags) => sb.json(['scope-gate', '--worktree', sb.worktree, '--beads', 'bd-scope', '--json', ...flags])

  it('an agent (real claude) that commits a file outside the allowed paths fails with that path listed; the files dirty before it started never count', async () => {
    const sb = await agentThatCommits('commit')
    const r = gate(sb, ['--allowed-paths-file', patterns(sb, '# only the sources\nsrc/\n')])
    expect(r.code, r.stderr).to.equal(24)
    await expectValid('scope-gate', r.doc)
    expect(r.doc).to.include({gate: 'scope', passed: false, reason_code: 'path_outside_allowlist'})
    expect(r.doc.details.outside_allowlist).to.deep.equal(['secret.txt'])
    expect(r.doc.details.files.map((f) => f.path)).to.deep.equal(['secret.txt', 'src/ok.txt'])
    const human = sb.run(['scope-gate', '--worktree', sb.worktree, '--beads', 'bd-scope', '--allowed-paths-file', patterns(sb, 'src/\n')])
    expect(human.code).to.equal(24)
    expect(human.stdout).to.equal('scope gate: FAILED (path_outside_allowlist)\n  outside the allowed paths: secret.txt\n')

    const ok = gate(sb, ['--allowed-paths-file', patterns(sb, 'src/\nsecret.txt\n')])
    expect(ok.code, JSON.stringify(ok.doc)).to.equal(0)
    expect(ok.doc).to.include({passed: true, reason_code: null})
    // the same worktree judged from its initial commit without the job: the user's dirty files count then
    const initial = sb.git('rev-list', '--max-parents=0', 'HEAD')
    const noJob = sb.json(['scope-gate', '--worktree', sb.worktree, '--base', initial, '--allowed-paths-file', patterns(sb, 'src/\nsecret.txt\n'), '--json'])
    expect(noJob.code).to.equal(24)
    expect(noJob.doc.details.outside_allowlist).to.deep.equal(['README.md', 'notes.txt'])
  })

  it('a negated pattern forbids a path an earlier pattern allowed', async () => {
    const sb = await agentThatCommits('negate')
    const r = gate(sb, ['--allowed-paths-file', patterns(sb, '*\n!secret.txt\n')])
    expect(r.code).to.equal(24)
    expect(r.doc.details.outside_allowlist).to.deep.equal(['secret.txt'])
    const inDir = gate(sb, ['--allowed-paths-file', patterns(sb, '**\n!src/ok.txt\n')])
    expect(inDir.doc.details.outside_allowlist).to.deep.equal(['src/ok.txt'])
  })

  it('budgets: more changed files than --mutation-budget, more changed lines than --file-budget', async () => {
    const sb = await agentThatCommits('budgets')
    const files = gate(sb, ['--mutation-budget', '1'])
    expect(files.code).to.equal(24)
    await expectValid('scope-gate', files.doc)
    expect(files.doc).to.include({reason_code: 'mutation_budget_exceeded'})
    expect(files.doc.details).to.include({changed_files: 2, changed_lines: 3})
    const lines = gate(sb, ['--mutation-budget', '2', '--file-budget', '2'])
    expect(lines.code).to.equal(24)
    expect(lines.doc).to.include({reason_code: 'file_budget_exceeded'})
    expect(lines.doc.details.violations).to.deep.equal(['file_budget_exceeded'])
    expect(gate(sb, ['--mutation-budget', '2', '--file-budget', '3']).code).to.equal(0)
  })

  it('a job started with a profile scope: scope-gate --beads judges it by that scope; it ended reading exited_err / scope_violation', async () => {
    const sb = await agentThatCommits('profile', (s) => {
      const profile = join(s.base, 'scoped.yaml')
      writeFileSync(profile, 'provider:\n  name: cc-glm\nscope:\n  allowed_paths: ["src/**"]\n  mutation_budget: 10\n')
      return ['--profile', profile]
    })
    const r = sb.json(['scope-gate', '--worktree', sb.worktree, '--beads', 'bd-scope', '--json'])
    expect(r.code, r.stderr).to.equal(24)
    expect(r.doc.details).to.include({mutation_budget: 10, file_budget: null})
    expect(r.doc.details.allowed_paths).to.deep.equal(['src/**'])
    expect(r.doc.details.outside_allowlist).to.deep.equal(['secret.txt'])
    const st = sb.json(['status', '--json'])
    expect(st.doc.jobs[0]).to.include({beads: 'bd-scope', state: 'exited_err', reason_code: 'scope_violation'})
    const report = sb.json(['report', '--beads', 'bd-scope', '--format', 'json'])
    await expectValid('report', report.doc)
    expect(report.doc.scope_violation.outside_allowlist).to.deep.equal(['secret.txt'])
  })

  it('bad input: nothing to check, an unknown job, an unreadable patterns file → one line, exit 1 / 3', () => {
    const sb = sandbox('scope-bad')
    others.push(sb)
    const none = sb.run(['scope-gate', '--worktree', sb.worktree, '--base', 'HEAD'])
    expect(none.code).to.equal(1)
    expect(none.stderr).to.match(/^dx-runner: nothing to check: give --allowed-paths-file, --mutation-budget or --file-budget/)
    const unknown = sb.run(['scope-gate', '--worktree', sb.worktree, '--beads', 'bd-none', '--mutation-budget', '1'])
    expect(unknown.code).to.equal(3)
    const missing = sb.run(['scope-gate', '--worktree', sb.worktree, '--base', 'HEAD', '--allowed-paths-file', join(sb.base, 'absent')])
    expect(missing.code).to.equal(1)
    expect(missing.stderr.trim().split('\n')).to.have.length(1)
  })
})

describe('scope enforced live', function () {
  const sandboxes = []
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })

  it('a job whose profile scope allows src/ only is ended the moment it writes elsewhere: scope_violation, its group gone, report lists the paths', async () => {
    const sb = fakeAgent(sandbox('scope-live'))
    sandboxes.push(sb)
    const profile = join(sb.base, 'scoped.yaml')
    writeFileSync(profile, 'provider:\n  name: cc-glm\nscope:\n  allowed_paths:\n    - "src/"\n')
    writeFileSync(join(sb.worktree, 'README.md'), 'dirty before the job: never counted\n')
    const s = sb.startScript('bd-live', `mkdir -p src && echo fine > src/a.txt\necho nope > outside.txt\nmkdir -p etc && echo nope > etc/conf\nsleep 300\n${CLAUDE_OK}`, ['--profile', profile])
    expect(s.code, s.stderr).to.equal(0)
    const group = Number(readFileSync(jobFile(sb, 'cc-glm', 'bd-live', 'monitor.pid'), 'latin1').split(' ')[0])
    await waitFor(() => existsSync(join(sb.worktree, 'etc', 'conf')), {what: 'the agent to write outside its scope'})
    const st = await waitFor(() => {
      const r = sb.json(['status', '--json'])
      return r.doc.jobs[0]?.state.startsWith('exited') ? r : undefined
    }, {what: 'an observer to end the job'})
    expect(st.doc.jobs[0]).to.include({beads: 'bd-live', state: 'exited_err', reason_code: 'scope_violation'})
    expect(groupAlive(group)).to.equal(false)
    const artifact = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-live', 'scope-violation'), 'utf8'))
    await expectValid('scope-violation', artifact)
    expect(artifact.outside_allowlist).to.deep.equal(['etc/conf', 'outside.txt'])
    const report = sb.json(['report', '--beads', 'bd-live', '--format', 'json'])
    await expectValid('report', report.doc)
    expect(report.doc).to.include({state: 'exited_err', reason_code: 'scope_violation', outcome_state: 'failed'})
    expect(report.doc.scope_violation.outside_allowlist).to.deep.equal(['etc/conf', 'outside.txt'])
  })

  it('a job with no scope writing the same files runs on', async () => {
    const sb = fakeAgent(sandbox('scope-none'))
    sandboxes.push(sb)
    const release = join(sb.base, 'release')
    const s = sb.startScript('bd-free', `echo x > outside.txt\nuntil [ -e '${release}' ]; do sleep 0.2; done\n${CLAUDE_OK}`)
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => existsSync(join(sb.worktree, 'outside.txt')), {what: 'the write'})
    for (let i = 0; i < 3; i++) expect(sb.json(['check', '--beads', 'bd-free', '--json']).doc.state).to.not.match(/^exited/)
    writeFileSync(release, '')
    const done = await waitFor(() => {
      const c = sb.json(['check', '--beads', 'bd-free', '--json'])
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-free to finish'})
    expect(done.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
  })
})
