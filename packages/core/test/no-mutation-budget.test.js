import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {noMutationDeadlineSec, overNoMutationBudget, snapshotWorktree, unchangedSinceBaseline} from '../dist/index.js'

describe('run budgets: the no-mutation deadline', () => {
  const cases = [
    ['no budget', {}, undefined],
    ['a null budget', {no_mutation_timeout_sec: null, first_mutation_grace_sec: 30}, undefined],
    ['a budget', {no_mutation_timeout_sec: 600}, 600],
    ['a budget and a grace: the grace delays it', {no_mutation_timeout_sec: 600, first_mutation_grace_sec: 120}, 720],
    ['a grace alone judges nothing', {first_mutation_grace_sec: 120}, undefined],
  ]
  for (const [name, meta, want] of cases) it(`${name} → ${want ?? 'none'}`, () => expect(noMutationDeadlineSec(meta)).to.equal(want))
})

describe('run budgets: has the job changed nothing since its baseline?', () => {
  let base, worktree, dir
  const git = (...a) => execFileSync('git', a, {cwd: worktree, stdio: 'pipe', env: {...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e'}})
  const meta = () => ({schema_version: 1, beads: 'bd-u', provider: 'cc-glm', worktree, repo: null, prompt_file: '/p', model: null, selected_model: 'm', fallback_reason: 'none', execution_mode: 'detached', retries: 0, created_at: new Date().toISOString(), timeout_sec: null})
  beforeEach(async () => {
    base = mkdtempSync(join(tmpdir(), 'dxr-nm-'))
    worktree = join(base, 'repo')
    dir = join(base, 'job')
    mkdirSync(worktree)
    mkdirSync(dir)
    git('init', '-q', '-b', 'main')
    writeFileSync(join(worktree, 'a.txt'), 'a\n')
    writeFileSync(join(worktree, 'dirty-before.txt'), 'x\n')
    git('add', 'a.txt')
    git('commit', '-q', '-m', 'init')
    writeFileSync(join(dir, 'meta'), JSON.stringify(meta()))
    writeFileSync(join(dir, 'mutation'), JSON.stringify(await snapshotWorktree(worktree)))
  })
  afterEach(() => rmSync(base, {recursive: true, force: true}))

  it('nothing touched (a file dirty at start does not count) → unchanged', async () => {
    writeFileSync(join(worktree, 'dirty-before.txt'), 'still dirty\n')
    expect(await unchangedSinceBaseline(dir)).to.equal(true)
  })
  it('a new file → changed', async () => {
    writeFileSync(join(worktree, 'new.txt'), 'n\n')
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
  })
  it('a commit since the start → changed', async () => {
    writeFileSync(join(worktree, 'a.txt'), 'b\n')
    git('commit', '-qam', 'change')
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
  })
  it('a change an observer already counted (since undone) → changed', async () => {
    writeFileSync(join(dir, 'heartbeat'), JSON.stringify({attempt_started_at: new Date().toISOString(), mutation_count: 2}))
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
  })
  it('no baseline, or no meta: it cannot judge, so it never says unchanged', async () => {
    rmSync(join(dir, 'mutation'))
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
    writeFileSync(join(dir, 'mutation'), JSON.stringify(await snapshotWorktree(worktree)))
    rmSync(join(dir, 'meta'))
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
  })
  it('git cannot read the worktree any more: it never says unchanged', async () => {
    rmSync(join(worktree, '.git'), {recursive: true, force: true})
    expect(await unchangedSinceBaseline(dir)).to.equal(false)
  })
})

describe('run budgets: the observer ends a job past its no-mutation deadline only when its supervisor cannot', () => {
  const NOW = Date.parse('2026-11-24T12:00:00Z')
  const budget = {no_mutation_timeout_sec: 60, first_mutation_grace_sec: 30}
  // started 100 s ago: past 60 + 30
  const over = {now: NOW, startedMs: NOW - 100_000, agentAlive: true, monitorAlive: false, groupRecorded: true, mutationsCounted: true, mutationCounts: [0, 0, 0]}
  const cases = [
    ['past the deadline, unchanged, supervisor gone', budget, over, true],
    ['within the grace', budget, {...over, startedMs: NOW - 80_000}, false],
    ['no budget', {}, over, false],
    ['its supervisor is alive: it enforces the budget itself', budget, {...over, monitorAlive: true}, false],
    ['the agent is gone: nothing to end', budget, {...over, agentAlive: false}, false],
    ['no supervisor recorded: no group to end', budget, {...over, groupRecorded: false}, false],
    ['not counted now', budget, {...over, mutationsCounted: false}, false],
    ['changed now', budget, {...over, mutationCounts: [1, 0, 0]}, false],
    ['a change recorded earlier (since undone)', budget, {...over, mutationCounts: [0, 0, 2]}, false],
  ]
  for (const [name, meta, facts, want] of cases) it(`${name} → ${want ? 'ended' : 'left alone'}`, () => expect(overNoMutationBudget(meta, facts)).to.equal(want))
})
