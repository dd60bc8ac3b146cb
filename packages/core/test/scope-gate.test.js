import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allowlistMatcher, decideScope, dirtyAtStart, jobScope, parseAllowedPaths, parseNumstatZ, readScopeChanges} from '../dist/index.js'

const f = (path, added = 1, deleted = 0) => ({path, added, deleted})
const policy = (p) => ({allowed_paths: null, mutation_budget: null, file_budget: null, ...p})

describe('scope gate: the decision', () => {
  const allow = allowlistMatcher(parseAllowedPaths('# the code\nsrc/**\n!src/secrets/**\ndocs/\n\n'))
  it('a path matching a pattern passes; a path matching none fails with path_outside_allowlist, listing it', () => {
    const r = decideScope([f('src/a.ts'), f('docs/x/y.md'), f('package.json')], policy({allowed_paths: ['src/**', 'docs/']}), allow)
    expect(r).to.include({gate: 'scope', passed: false, reason_code: 'path_outside_allowlist'})
    expect(r.details.outside_allowlist).to.deep.equal(['package.json'])
  })
  it('a negated pattern takes a path back out of the allowlist', () => {
    const r = decideScope([f('src/a.ts'), f('src/secrets/key.txt')], policy({allowed_paths: ['src/**', '!src/secrets/**']}), allow)
    expect(r.details.outside_allowlist).to.deep.equal(['src/secrets/key.txt'])
  })
  it('a prefix is not a pattern: src-evil/x is outside src/', () => {
    const m = allowlistMatcher(['src/'])
    expect(m('src/x')).to.equal(true)
    expect(m('src-evil/x')).to.equal(false)
  })
  it('everything inside the allowlist and the budgets passes', () => {
    const r = decideScope([f('src/a.ts', 3, 1)], policy({allowed_paths: ['src/**'], mutation_budget: 1, file_budget: 4}), allow)
    expect(r).to.include({passed: true, reason_code: null})
    expect(r.details).to.include({changed_files: 1, changed_lines: 4})
  })
  it('more changed files than the mutation budget → mutation_budget_exceeded', () => {
    const r = decideScope([f('a'), f('b'), f('c')], policy({mutation_budget: 2}), allow)
    expect(r).to.include({passed: false, reason_code: 'mutation_budget_exceeded'})
  })
  it('more changed lines (added + deleted) than the file budget → file_budget_exceeded', () => {
    const r = decideScope([f('a', 5, 3), f('b', 2, 1)], policy({file_budget: 10}), allow)
    expect(r).to.include({passed: false, reason_code: 'file_budget_exceeded'})
    expect(r.details.changed_lines).to.equal(11)
  })
  it('every violation is listed; the reason is the first (allowlist, files, lines)', () => {
    const r = decideScope([f('x', 50), f('y', 50)], policy({allowed_paths: ['src/**'], mutation_budget: 1, file_budget: 10}), allow)
    expect(r.reason_code).to.equal('path_outside_allowlist')
    expect(r.details.violations).to.deep.equal(['path_outside_allowlist', 'mutation_budget_exceeded', 'file_budget_exceeded'])
  })
  it('no allowlist: any path passes', () => {
    expect(decideScope([f('anything/at/all')], policy({mutation_budget: 5}), allow).passed).to.equal(true)
  })
  it('allowed-paths files: comments and blank lines dropped, negations kept', () => {
    expect(parseAllowedPaths('# c\n\nsrc/**\r\n!src/x\n  \n')).to.deep.equal(['src/**', '!src/x'])
  })
  it('a job scope comes from its recorded settings; none when nothing is limited', () => {
    expect(jobScope({settings: {allowed_paths: ['a/'], mutation_budget: null, file_budget: 3}})).to.deep.equal({allowed_paths: ['a/'], mutation_budget: null, file_budget: 3})
    expect(jobScope({settings: {allowed_paths: null, mutation_budget: null, file_budget: null}})).to.equal(undefined)
    expect(jobScope({})).to.equal(undefined)
  })
  it('numstat -z: text and binary records; dirty-at-start covers whole untracked directories', () => {
    expect(parseNumstatZ('3\t1\ta b.txt\0-\t-\timg.png\0')).to.deep.equal([f('a b.txt', 3, 1), f('img.png', 0, 0)])
    expect(dirtyAtStart('tmp/x/y', ['tmp/'])).to.equal(true)
    expect(dirtyAtStart('tmpx', ['tmp/'])).to.equal(false)
  })
})

describe('scope gate: reading what changed with the real git', () => {
  let dir
  const git = (...a) => execFileSync('git', a, {cwd: dir, stdio: 'pipe', env: {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e'}}).toString().trim()
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scope-'))
    git('init', '-q', '-b', 'main')
    writeFileSync(join(dir, 'kept.txt'), 'a\nb\n')
    writeFileSync(join(dir, 'dirty.txt'), 'x\n')
    git('add', '.')
    git('commit', '-q', '-m', 'init')
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('committed, staged, unstaged and untracked count; paths dirty at start do not', async () => {
    const base = git('rev-parse', 'HEAD')
    writeFileSync(join(dir, 'dirty.txt'), 'x\ny\n') // dirty before the job
    mkdirSync(join(dir, 'scratch'))
    writeFileSync(join(dir, 'scratch', 'note'), 'n\n') // untracked before the job
    writeFileSync(join(dir, 'committed.txt'), '1\n2\n3\n')
    git('add', 'committed.txt')
    git('commit', '-q', '-m', 'agent')
    writeFileSync(join(dir, 'staged.txt'), 's\n')
    git('add', 'staged.txt')
    writeFileSync(join(dir, 'kept.txt'), 'a\n') // unstaged: one line deleted
    writeFileSync(join(dir, 'new.txt'), 'u1\nu2') // untracked, no final newline
    writeFileSync(join(dir, 'scratch', 'later'), 'l\n') // inside a directory untracked at start
    const r = await readScopeChanges(dir, base, ['dirty.txt', 'scratch/'])
    const byPath = Object.fromEntries(r.files.map((x) => [x.path, x.added + x.deleted]))
    expect(byPath).to.deep.equal({'committed.txt': 3, 'staged.txt': 1, 'kept.txt': 1, 'new.txt': 2})
  })
  it('a change committed and then reverted in the worktree still counts', async () => {
    const base = git('rev-parse', 'HEAD')
    writeFileSync(join(dir, 'sneaky.txt'), 'x\n')
    git('add', 'sneaky.txt')
    git('commit', '-q', '-m', 'agent')
    rmSync(join(dir, 'sneaky.txt'))
    const r = await readScopeChanges(dir, base)
    expect(r.files.map((x) => x.path)).to.deep.equal(['sneaky.txt'])
  })
})
