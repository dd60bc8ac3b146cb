#!/usr/bin/env node
// npm run bench: speed and memory against a floor (`node -e 0`) measured in the same run.
// Never asserted in tests; results go to bench/results/latest.json and latest.md, and the README.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {ensureDir, jobPaths, launchSupervisor, readProcStat, stopProcessGroup} from '@dx-runner/core'

const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(repo, 'packages/cli/bin/run.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const LIVE = Number(process.env.BENCH_LIVE ?? 5)
const IDLE = Number(process.env.BENCH_IDLE_SUPERVISORS ?? 100)
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60)
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number)
/** BENCH_ONLY=queue|wait: only those figures, printed, nothing written. */
const ONLY = process.env.BENCH_ONLY

/** A fake `claude` in dir that runs its prompt as sh: cheap agents with exact timing (the queue and wait figures). */
function writeFakeClaude(dir) {
  writeFileSync(join(dir, 'claude'), '#!/bin/sh\ncase "$1" in --version) echo "2.1.197 (Claude Code)"; exit 0;; esac\nexec /bin/sh -s\n', {mode: 0o755})
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
function timeCmd(argv, env, runs = RUNS, okCodes = [0]) {
  const samples = []
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(argv[0], argv.slice(1), {env, encoding: 'utf8'})
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (!okCodes.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return median(samples)
}

// BENCH_ONLY=wait node bench/run.js: just the `wait` case, printed, nothing written
if (ONLY === 'wait') {
  await benchWait((name, value, unit, _floor, target) => console.log(`${name}: ${Math.round(value * 100) / 100} ${unit}${target ? ` target ${target}` : ''}`))
  process.exit(0)
}

/**
 * The queue (README "Concurrency"), with a fake `claude` that runs its prompt as sh (cheap, exact
 * timing): `start --queue` into a full provider against the floor; queued → running hand-off latency
 * (one job's agent exit → the next one's agent running); 30 jobs under max_parallel 4 against 30/4 ×
 * one job's time.
 */
async function queueFigures({base, floor, add, worktree, prompt}) {
  const fakeBin = join(base, 'fake-bin')
  mkdirSync(fakeBin, {recursive: true})
  writeFakeClaude(fakeBin)
  const home = join(base, 'queue-home')
  mkdirSync(home, {recursive: true})
  const wt = worktree()
  const OK = `echo '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s"}'`
  const envQ = (root, max) => ({...process.env, PATH: `${fakeBin}:${process.env.PATH}`, HOME: home, DX_RUNNER_HOME: root, CC_GLM_AUTH_TOKEN: 'bench-token', CC_GLM_BASE_URL: 'http://127.0.0.1:9', DX_RUNNER_MAX_PARALLEL_CC_GLM: String(max)})
  const script = (name, text) => {
    const f = join(base, `${name}.sh`)
    writeFileSync(f, text)
    return f
  }
  const startArgv = (id, file, extra = []) => [process.execPath, bin, 'start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', file, '--worktree', wt, ...extra]
  const run = (root, max, argv) => {
    const r = spawnSync(argv[0], argv.slice(1), {env: envQ(root, max), encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`${argv.slice(2).join(' ')} exited ${r.status}: ${r.stderr}`)
    return r
  }
  const ended = (root, ids) => ids.every((id) => statSync(join(root, 'cc-glm', id, 'rc'), {throwIfNoEntry: false}))
  const until = async (what, fn, ms = 120_000) => {
    for (const end = Date.now() + ms; !fn(); await sleep(20)) if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`)
  }
  const stopAll = (root) => {
    // the queued first, the running one last (its end would hand its slot on)
    for (const id of readdirSync(join(root, 'cc-glm')).sort((a, b) => (a === 'holder') - (b === 'holder'))) spawnSync(process.execPath, [bin, 'stop', '--beads', id, '--grace', '1'], {env: envQ(root, 1)})
  }

  // start --queue into a full provider: one job holds the only slot
  const full = join(base, 'queue-full')
  run(full, 1, startArgv('holder', script('holder', 'sleep 600\n')))
  run(full, 1, startArgv('warm', prompt, ['--queue']))
  const samples = []
  for (let i = 0; i < RUNS; i++) samples.push(timeCmd(startArgv(`q-${i}`, prompt, ['--queue']), envQ(full, 1), 1))
  add('start --queue into a full provider', median(samples), 'ms', floor, '<= 3x')
  stopAll(full)

  // hand-off: each job stamps its agent's start and its end; the next one starts when the slot frees
  const chain = join(base, 'queue-chain')
  const stamp = (id, what) => join(base, `${id}.${what}`)
  const ids = Array.from({length: 6}, (_, i) => `h-${i}`)
  for (const id of ids) run(chain, 1, startArgv(id, script(id, `date +%s%N > ${stamp(id, 'start')}\nsleep 0.5\n${OK}\ndate +%s%N > ${stamp(id, 'end')}\n`), ['--queue']))
  await until('the hand-off chain', () => ended(chain, ids))
  const ns = (f) => Number(BigInt(readFileSync(f, 'utf8').trim()) / 1000n) / 1000
  const handOff = ids.slice(1).map((id, i) => ns(stamp(id, 'start')) - ns(stamp(ids[i], 'end')))
  add('queued → running hand-off after a slot frees (median of 5)', median(handOff), 'ms', undefined, '<= 1000 ms')

  // one job alone, then 30 under max_parallel 4
  const one = join(base, 'queue-one')
  const job = script('job', `sleep 1\n${OK}\n`)
  let t0 = Date.now()
  run(one, 4, startArgv('solo', job, ['--queue']))
  await until('one job', () => ended(one, ['solo']))
  const oneMs = Date.now() - t0
  const many = join(base, 'queue-30')
  const thirty = Array.from({length: 30}, (_, i) => `m-${String(i).padStart(2, '0')}`)
  t0 = Date.now()
  for (const id of thirty) run(many, 4, startArgv(id, job, ['--queue']))
  await until('30 queued jobs', () => ended(many, thirty))
  add(`30 jobs with --queue under max_parallel 4 (floor: 30/4 × one job, ${oneMs} ms)`, Date.now() - t0, 'ms', (30 / 4) * oneMs, '~1x')
}

const sim = await startSimulator()
mkdirSync('/tmp/agents', {recursive: true})
const agents = mkdtempSync('/tmp/agents/dx-bench-')
const base = mkdtempSync(join(tmpdir(), 'dx-bench-'))
const results = {generated_at: new Date().toISOString(), node: process.version, runs: RUNS, figures: []}
const add = (name, value, unit, floor, target) => {
  const f = {name, value: Math.round(value * 100) / 100, unit}
  if (floor !== undefined) {
    f.floor_ms = Math.round(floor * 100) / 100
    f.ratio = Math.round((value / floor) * 100) / 100
  }
  if (target !== undefined) f.target = target
  results.figures.push(f)
  console.log(`${name}: ${f.value} ${unit}${f.ratio !== undefined ? ` (${f.ratio}x floor ${f.floor_ms} ms)` : ''}${target ? ` target ${target}` : ''}`)
}
const groups = []
try {
  let wtCount = 0
  const worktree = () => {
    const wt = join(agents, `wt-${wtCount++}`)
    mkdirSync(wt)
    execFileSync('git', ['init', '-q', '-b', 'main'], {cwd: wt})
    writeFileSync(join(wt, 'README.md'), 'bench\n')
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-q', '--allow-empty', '-m', 'init'], {cwd: wt})
    return wt
  }
  const prompt = join(base, 'task.md')
  writeFileSync(prompt, 'Create a file named sim-output.txt in the current directory.\n')
  mkdirSync(join(base, 'home'))
  const envFor = (root, scenario = 'hang') => ({
    ...process.env,
    PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}`,
    HOME: join(base, 'home'),
    DX_RUNNER_HOME: root,
    CC_GLM_AUTH_TOKEN: 'bench-token',
    CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`,
  })
  const dx = (root, args, scenario) => spawnSync(process.execPath, [bin, ...args], {env: envFor(root, scenario), encoding: 'utf8'})

  const floor = timeCmd([process.execPath, '-e', '0'], process.env)
  add('node -e 0 (floor)', floor, 'ms')
  await queueFigures({base, floor, add, worktree, prompt})
  // BENCH_ONLY=queue: the floor and the queue's figures only
  if (ONLY !== 'queue') {
  add('dx-runner --version', timeCmd([process.execPath, bin, '--version'], process.env), 'ms', floor, '<= 2.5x')

  // Templates: a finished job, a failed one, and live agents with real worktrees.
  const seed = join(base, 'seed')
  for (const [id, scenario] of [['tpl-done', 'write-file'], ['tpl-fail', '401']]) {
    const r = dx(seed, ['start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', worktree()], scenario)
    if (r.status !== 0) throw new Error(r.stderr)
  }
  for (let i = 0; i < 240; i++) {
    const s = JSON.parse(dx(seed, ['status', '--json']).stdout)
    if (s.jobs.every((j) => j.state.startsWith('exited'))) break
    await sleep(500)
  }
  const startSamples = []
  for (let i = 0; i < LIVE; i++) {
    // let the previous agent finish booting: measure start, not two CPUs shared with a starting agent
    await sleep(1500)
    const t0 = process.hrtime.bigint()
    const r = dx(seed, ['start', '--beads', `live-${i}`, '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', worktree()], 'hang')
    startSamples.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (r.status !== 0) throw new Error(r.stderr)
    groups.push(Number(readFileSync(join(seed, 'cc-glm', `live-${i}`, 'monitor.pid'), 'utf8').split(' ')[0]))
  }
  add('start (cached preflight)', median(startSamples), 'ms', floor, '<= 4x')

  const seedDir = join(seed, 'cc-glm')
  // a copy of a seed job's directory under another id (its tmp/ left behind)
  const copyJob = (root, from, to) => {
    const dir = join(root, 'cc-glm', to)
    mkdirSync(dir, {recursive: true, mode: 0o700})
    for (const name of readdirSync(join(seedDir, from))) {
      if (name === 'tmp') continue
      const target = join(dir, name)
      cpSync(join(seedDir, from, name), target)
      if (name === 'meta') writeFileSync(target, JSON.stringify({...JSON.parse(readFileSync(target, 'utf8')), beads: to}))
    }
  }
  // A realistic mix: the live agents, nine finished for one failed.
  const population = (n) => {
    const root = join(base, `pop-${n}`)
    for (let i = 0; i < LIVE; i++) copyJob(root, `live-${i}`, `live-${i}`)
    for (let i = 0; i < n - LIVE; i++) copyJob(root, i % 10 === 9 ? 'tpl-fail' : 'tpl-done', `job-${String(i).padStart(4, '0')}`)
    dx(root, ['status', '--json'])
    return root
  }
  const targets = {10: '-', 100: '<= 3x', 1000: '<= 10x'}
  let root100
  for (const n of SIZES) {
    const root = population(n)
    if (n === 100) root100 = root
    add(`status --json over ${n} jobs (${LIVE} live)`, timeCmd([process.execPath, bin, 'status', '--json'], envFor(root), n >= 1000 ? 5 : 10), 'ms', floor, targets[n])
    if (n === 1000) add('check of one job among 1000', timeCmd([process.execPath, bin, 'check', '--beads', 'job-0001', '--json'], envFor(root), 10), 'ms', floor, '<= 2x')
  }
  if (root100) add('watchdog --once over 100 jobs', timeCmd([process.execPath, bin, 'watchdog', '--once', '--json'], envFor(root100), 5), 'ms', floor, '<= 5x')

  // Supervisor memory: VmRSS of each live job's sh supervisor.
  const rss = groups.map((pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024)
  add('supervisor RSS per job', median(rss), 'MiB', undefined, '<= 2 MiB')

  // Agent exit → rc on disk, as a poller sees it (file mtimes are too coarse).
  const supRoot = join(base, 'sup')
  const lat = []
  const seen = []
  for (let i = 0; i < 10; i++) {
    const paths = jobPaths(supRoot, 'cc-glm', `exit-${i}`)
    const meta = {schema_version: 1, beads: `exit-${i}`, provider: 'cc-glm', worktree: base, repo: null, prompt_file: prompt, model: null, selected_model: 'glm-5', fallback_reason: 'none', execution_mode: 'detached', retries: 0, created_at: new Date().toISOString(), timeout_sec: null}
    ensureDir(paths.dir)
    const stamp = join(paths.dir, `exit-${i}.stamp`)
    const launched = await launchSupervisor({
      paths,
      spec: {command: 'sh', args: ['-c', `sleep 0.2; date +%s%N > ${stamp}; exit 0`], env: {}, secretEnv: {}, stdin: 'null', cwd: base},
      promptFile: prompt,
      baseEnv: {PATH: process.env.PATH},
      commit: () => writeFileSync(paths.meta, JSON.stringify(meta)),
    })
    let seenAt
    for (const end = Date.now() + 10_000; seenAt === undefined && Date.now() < end; ) {
      try {
        statSync(paths.rc)
        seenAt = Date.now()
      } catch {
        await new Promise((res) => setImmediate(res))
      }
    }
    const exitedAt = Number(BigInt(readFileSync(stamp, 'utf8').trim()) / 1000n) / 1000
    lat.push(seenAt - exitedAt)
    // then a user asks: the whole path from the agent's exit to `status` saying so
    const st = spawnSync(process.execPath, [bin, 'status', '--json', '--beads', `exit-${i}`], {env: envFor(supRoot), encoding: 'utf8'})
    if (JSON.parse(st.stdout).jobs[0]?.state?.startsWith('exited')) seen.push(Date.now() - exitedAt)
    await stopProcessGroup(launched.monitor.pid, 100)
  }
  add('agent exit → .rc on disk (seen by a poller)', median(lat), 'ms', undefined, '<= 1000 ms')
  add('agent exit → `status` shows it exited', median(seen), 'ms', undefined, '<= 1000 ms')

  // Idle cost: many supervisors waiting on agents that do nothing.
  const idle = []
  for (let i = 0; i < IDLE; i++) {
    const paths = jobPaths(supRoot, 'idle', `idle-${i}`)
    ensureDir(paths.dir)
    const l = await launchSupervisor({
      paths,
      spec: {command: 'sleep', args: ['3600'], env: {}, secretEnv: {}, stdin: 'null', cwd: base},
      promptFile: prompt,
      baseEnv: {PATH: process.env.PATH},
      commit: () => writeFileSync(paths.meta, '{}'),
    })
    idle.push(l.monitor.pid)
    groups.push(l.monitor.pid)
  }
  const ticks = () => idle.reduce((t, pid) => {
    const st = readProcStat(pid)
    return t + (st ? st.utime + st.stime : 0)
  }, 0)
  const t0 = ticks()
  await sleep(IDLE_SECONDS * 1000)
  add(`CPU of ${IDLE} idle supervisors over ${IDLE_SECONDS} s`, (ticks() - t0) / 100, 's', undefined, '~0')
  await benchWait(add)
  }
} finally {
  for (const g of groups) await stopProcessGroup(g, 1000)
  await sim.close()
  rmSync(base, {recursive: true, force: true})
  rmSync(agents, {recursive: true, force: true})
}

if (ONLY) process.exit(0)
const outDir = join(repo, 'bench/results')
mkdirSync(outDir, {recursive: true})
const write = (name, text) => {
  writeFileSync(join(outDir, `${name}.tmp`), text)
  renameSync(join(outDir, `${name}.tmp`), join(outDir, name))
}
write('latest.json', `${JSON.stringify(results, null, 2)}\n`)
const md = [
  `# dx-runner bench (${results.generated_at}, node ${results.node})`,
  '',
  '| figure | value | floor | ratio | target |',
  '| --- | --- | --- | --- | --- |',
  ...results.figures.map((f) => `| ${f.name} | ${f.value} ${f.unit} | ${f.floor_ms ?? '-'} | ${f.ratio ?? '-'} | ${f.target ?? '-'} |`),
  '',
].join('\n')
write('latest.md', md)
const {updateReadmeSection} = await import('../scripts/readme-section.js')
updateReadmeSection('bench', `Measured by \`npm run bench\` on ${results.generated_at} (node ${results.node}, median of ${RUNS} runs unless noted):\n\n${md.split('\n').slice(2).join('\n').trim()}\n`)
console.log(`wrote ${join(outDir, 'latest.json')}, latest.md and the README's Performance section`)

/**
 * `wait --all` over sleeping fake agents (a `claude` that runs its prompt as sh): its CPU (its own and
 * its children's, git included) over wall time while nothing ends, then agent exit → wait returns.
 */
async function benchWait(add) {
  const JOBS = Number(process.env.BENCH_WAIT_JOBS ?? 10)
  const IDLE_S = Number(process.env.BENCH_WAIT_IDLE_SECONDS ?? 30)
  const ROUNDS = Number(process.env.BENCH_WAIT_ROUNDS ?? 5)
  mkdirSync('/tmp/agents', {recursive: true})
  const dir = mkdtempSync(join(tmpdir(), 'dx-bench-wait-'))
  const wt = mkdtempSync('/tmp/agents/dx-bench-wait-')
  const started = []
  try {
    execFileSync('git', ['init', '-q', '-b', 'main'], {cwd: wt})
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-q', '--allow-empty', '-m', 'init'], {cwd: wt})
    const fakeBin = join(dir, 'bin')
    mkdirSync(fakeBin)
    mkdirSync(join(dir, 'home'))
    writeFakeClaude(fakeBin)
    const root = join(dir, 'root')
    const env = {...process.env, PATH: `${fakeBin}:${join(repo, 'node_modules/.bin')}:${process.env.PATH}`, HOME: join(dir, 'home'), DX_RUNNER_HOME: root, CC_GLM_AUTH_TOKEN: 'bench-token', CC_GLM_BASE_URL: 'http://127.0.0.1:9'}
    const ok = `echo '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s-1"}'`
    const startJob = (id, release) => {
      const prompt = join(dir, `${id}.sh`)
      writeFileSync(prompt, `until [ -e '${release}' ]; do sleep 0.5; done\ndate +%s%N > '${join(dir, `${id}.exited`)}'\n${ok}\nexit 0\n`)
      const r = spawnSync(process.execPath, [bin, 'start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', prompt, '--worktree', wt], {env, encoding: 'utf8'})
      if (r.status !== 0) throw new Error(`start ${id}: ${r.stderr}`)
      started.push(Number(readFileSync(join(root, 'cc-glm', id, 'monitor.pid'), 'utf8').split(' ')[0]))
    }
    const exitedAt = (id) => Number(BigInt(readFileSync(join(dir, `${id}.exited`), 'utf8').trim()) / 1000n) / 1000
    const startWait = (args) => {
      const child = spawn(process.execPath, [bin, 'wait', ...args], {env, stdio: 'ignore'})
      const done = new Promise((resolve) => child.once('exit', (code) => resolve({code, at: Date.now()})))
      return {child, done}
    }
    // utime + stime + cutime + cstime (the git it waited for), in clock ticks
    const cpuTicks = (pid) => readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ').slice(11, 15).reduce((t, x) => t + Number(x), 0)

    for (let i = 0; i < JOBS; i++) startJob(`w-${i}`, join(dir, i === JOBS - 1 ? 'release-last' : 'release-rest'))
    const w = startWait(['--all'])
    await sleep(6000) // past node's and oclif's start, and wait's first rounds
    const c0 = cpuTicks(w.child.pid)
    const t0 = Date.now()
    await sleep(IDLE_S * 1000)
    const cpu = (cpuTicks(w.child.pid) - c0) / 100 / ((Date.now() - t0) / 1000)
    add(`wait --all over ${JOBS} sleeping agents: CPU while waiting (${IDLE_S} s)`, cpu * 100, '%', undefined, '< 1 %')
    writeFileSync(join(dir, 'release-rest'), '')
    await sleep(3000)
    writeFileSync(join(dir, 'release-last'), '')
    const lat = []
    const end = await w.done
    if (end.code !== 0) throw new Error(`wait --all exited ${end.code}`)
    lat.push(end.at - exitedAt(`w-${JOBS - 1}`))
    for (let i = 0; i < ROUNDS; i++) {
      const id = `one-${i}`
      startJob(id, join(dir, `release-${id}`))
      const one = startWait(['--beads', id])
      await sleep(2500)
      writeFileSync(join(dir, `release-${id}`), '')
      const r = await one.done
      if (r.code !== 0) throw new Error(`wait --beads ${id} exited ${r.code}`)
      lat.push(r.at - exitedAt(id))
    }
    add(`agent exit → wait returns (median of ${lat.length})`, median(lat), 'ms', undefined, '<= 1000 ms')
  } finally {
    for (const g of started) await stopProcessGroup(g, 1000)
    rmSync(dir, {recursive: true, force: true})
    rmSync(wt, {recursive: true, force: true})
  }
}
