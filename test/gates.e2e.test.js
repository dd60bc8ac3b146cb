import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {jobFile, sandbox, TOKEN, waitFor, walk} from './helpers.js'

const GIT_ENV = {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com'}
const git = (cwd, ...args) => execFileSync('git', args, {cwd, env: GIT_ENV, stdio: 'pipe'}).toString().trim()
function commit(cwd, msg, file = `f-${Math.random().toString(36).slice(2)}`) {
  writeFileSync(join(cwd, file), msg)
  git(cwd, 'add', file)
  git(cwd, 'commit', '-q', '-m', msg)
  return git(cwd, 'rev-parse', 'HEAD')
}

describe('governance gates (real git)', function () {
  let sb, repo, c1, c2, side, dangling
  before(() => {
    sb = sandbox('gates')
    repo = sb.worktree
    c1 = git(repo, 'rev-parse', 'HEAD')
    c2 = commit(repo, 'second')
    git(repo, 'checkout', '-q', '-b', 'side', c1)
    side = commit(repo, 'on a side branch')
    git(repo, 'checkout', '-q', 'main')
    // a commit object that no ref reaches
    dangling = execFileSync('git', ['commit-tree', git(repo, 'rev-parse', 'HEAD^{tree}'), '-m', 'dangling'], {cwd: repo, env: GIT_ENV}).toString().trim()
  })
  after(async () => {
    await sb.cleanup()
  })
  const gate = async (args) => {
    const r = sb.run([...args, '--json'])
    let doc
    if (r.stdout.trim()) {
      doc = JSON.parse(r.stdout)
      expect(await validateDocument('gate', doc)).to.deep.equal([])
    }
    return {...r, doc}
  }

  describe('baseline-gate', () => {
    it('passes for HEAD and an ancestor', async () => {
      for (const sha of [c2, c1, c1.slice(0, 10)]) {
        const r = await gate(['baseline-gate', '--worktree', repo, '--required-baseline', sha])
        expect(r.code, r.stderr).to.equal(0)
        expect(r.doc).to.include({gate: 'baseline', passed: true, reason_code: null})
      }
    })
    it('fails with baseline_not_met for a commit off HEAD\'s history', async () => {
      const r = await gate(['baseline-gate', '--worktree', repo, '--required-baseline', side])
      expect(r.code).to.equal(24)
      expect(r.doc).to.include({passed: false, reason_code: 'baseline_not_met'})
    })
    it('fails with baseline_unknown for an unknown sha', async () => {
      const r = await gate(['baseline-gate', '--worktree', repo, '--required-baseline', 'deadbeef'.repeat(5)])
      expect(r.code).to.equal(24)
      expect(r.doc.reason_code).to.equal('baseline_unknown')
    })
    it('fails with baseline_unknown in a shallow clone that cannot tell', async () => {
      const shallowBase = mkdtempSync(join(tmpdir(), 'dxr-shallow-'))
      try {
        const shallow = join(shallowBase, 'clone')
        execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow], {env: GIT_ENV, stdio: 'pipe'})
        const r = await gate(['baseline-gate', '--worktree', shallow, '--required-baseline', c1])
        expect(r.code).to.equal(24)
        expect(r.doc.reason_code).to.equal('baseline_unknown')
        expect(r.doc.details.shallow).to.equal(true)
      } finally {
        rmSync(shallowBase, {recursive: true, force: true})
      }
    })
    it('exits 1 with one clear line when the worktree is not a git repo', async () => {
      const plain = mkdtempSync(join(tmpdir(), 'dxr-plain-'))
      try {
        const r = sb.run(['baseline-gate', '--worktree', plain, '--required-baseline', c1])
        expect(r.code).to.equal(1)
        expect(r.stderr.trim().split('\n')).to.have.length(1)
        expect(r.stderr).to.match(/not a git work tree/)
      } finally {
        rmSync(plain, {recursive: true, force: true})
      }
    })
  })

  describe('integrity-gate', () => {
    it('passes for a reachable commit', async () => {
      const r = await gate(['integrity-gate', '--worktree', repo, '--reported-commit', c2])
      expect(r.code).to.equal(0)
      expect(r.doc.passed).to.equal(true)
    })
    it('fails commit_not_reachable for a dangling commit and a side-branch commit', async () => {
      for (const sha of [dangling, side]) {
        const r = await gate(['integrity-gate', '--worktree', repo, '--reported-commit', sha])
        expect(r.code).to.equal(24)
        expect(r.doc.reason_code).to.equal('commit_not_reachable')
      }
    })
    it('fails commit_not_found for an unknown commit', async () => {
      const r = await gate(['integrity-gate', '--worktree', repo, '--reported-commit', '0123456789abcdef0123456789abcdef01234567'])
      expect(r.code).to.equal(24)
      expect(r.doc.reason_code).to.equal('commit_not_found')
    })
  })

  describe('feature-key-gate', () => {
    it('passes when every commit carries the trailer, names the one that does not', async () => {
      const base = git(repo, 'rev-parse', 'HEAD')
      commit(repo, 'work one\n\nFeature-Key: bd-77')
      const good = git(repo, 'rev-parse', 'HEAD')
      let r = await gate(['feature-key-gate', '--worktree', repo, '--feature-key', 'bd-77', '--base', base])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.doc.details.commits_checked).to.equal(1)
      const bad = commit(repo, 'forgot the trailer')
      commit(repo, 'work two\n\nFeature-Key: bd-77')
      r = await gate(['feature-key-gate', '--worktree', repo, '--feature-key', 'bd-77', '--base', base])
      expect(r.code).to.equal(24)
      expect(r.doc.reason_code).to.equal('feature_key_missing')
      expect(r.doc.details.missing.map((m) => m.sha)).to.deep.equal([bad])
      const human = sb.run(['feature-key-gate', '--worktree', repo, '--feature-key', 'bd-77', '--base', base])
      expect(human.stdout).to.include(bad.slice(0, 12))
      expect(human.stdout).to.include('forgot the trailer')
      // a different key fails every commit
      r = await gate(['feature-key-gate', '--worktree', repo, '--feature-key', 'bd-78', '--base', good])
      expect(r.doc.details.missing).to.have.length(2)
    })
  })

  it('start --required-baseline with an unmet baseline exits 24, writes nothing, starts nothing', async () => {
    const r = sb.run(['start', '--beads', 'bd-gated', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--worktree', repo, '--required-baseline', side], {env: {CC_GLM_AUTH_TOKEN: 'x'}})
    expect(r.code, r.stderr).to.equal(24)
    expect(r.stderr).to.match(/baseline gate failed: baseline_not_met/)
    expect(walk(sb.root)).to.deep.equal([])
    expect(sb.groups()).to.deep.equal([])
  })

  it('start --feature-key records the contract; report of the finished job runs its gates', async () => {
    const sim = await startSimulator({expectedToken: TOKEN})
    const job = sandbox('contract')
    try {
      Object.assign(job.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/write-file`})
      const head = job.git('rev-parse', 'HEAD')
      const r = job.run(['start', '--beads', 'bd-fk', '--provider', 'cc-glm', '--prompt-file', job.prompt, '--feature-key', 'bd-fk', '--required-baseline', head])
      expect(r.code, r.stderr).to.equal(0)
      const contract = JSON.parse((await import('node:fs')).readFileSync(jobFile(job.root, 'cc-glm', 'bd-fk', 'contract'), 'utf8'))
      expect(contract).to.include({feature_key: 'bd-fk', required_baseline: head})
      await waitFor(() => job.json(['check', '--beads', 'bd-fk', '--json']).doc.state.startsWith('exited'), {what: 'bd-fk to finish'})
      // the agent's work, committed once without the trailer
      job.git('add', '.')
      job.git('commit', '-q', '-m', 'agent work without trailer')
      const rep = job.json(['report', '--beads', 'bd-fk'])
      expect(await validateDocument('report', rep.doc)).to.deep.equal([])
      const byGate = Object.fromEntries(rep.doc.gates.map((g) => [g.gate, g]))
      expect(byGate.baseline).to.include({passed: true})
      expect(byGate['feature-key']).to.include({passed: false, reason_code: 'feature_key_missing'})
      expect(byGate['feature-key'].details.missing).to.have.length(1)
      const md = job.run(['report', '--beads', 'bd-fk', '--format', 'markdown'])
      expect(md.stdout).to.include('| feature-key | no | feature_key_missing |')
    } finally {
      await job.cleanup()
      await sim.close()
    }
  })
})
