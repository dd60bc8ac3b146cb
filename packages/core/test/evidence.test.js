import {expect} from 'chai'
import {evidenceCommands, evidenceVerdict, parseClaims, planEvidence, resolveSettings, validateProfile, verificationEnv} from '@dx-runner/core'

const kinds = (text) => parseClaims(text).map((c) => [c.kind, c.text])

describe('evidence gate: the claims of a sign-off (parseClaims)', () => {
  const table = [
    ['tests pass', [['tests', 'tests pass']]],
    ['All tests passing.', [['tests', 'All tests passing']]],
    ['npm test passes', [['tests', 'npm test passes']]],
    ['All 42 unit tests pass!', [['tests', 'All 42 unit tests pass']]],
    ['Lint clean; build ok.', [['lint', 'Lint clean'], ['build', 'build ok']]],
    ['No lint errors', [['lint', 'No lint errors']]],
    ['npm run lint passes', [['lint', 'npm run lint passes']]],
    ['It builds.', [['build', 'It builds']]],
    ['The build succeeds', [['build', 'The build succeeds']]],
    ['typecheck clean', [['typecheck', 'typecheck clean']]],
    ['lint and tests pass', [['tests', 'lint and tests pass'], ['lint', 'lint and tests pass']]],
    // negated or conditional: no claim
    ['tests do not pass yet', []],
    ['Tests fail on main', []],
    ['lint is not clean', []],
    ['tests pass if you set FOO', []],
    ['tests pass, lint fails', [['tests', 'tests pass']]],
    // words that are not claims
    ['I wrote tests for the parser.', []],
    ['This builds on the previous change', []],
    ['Refactored the build script', []],
    ['', []],
  ]
  for (const [text, want] of table) {
    it(`${JSON.stringify(text)} → ${want.length ? want.map((w) => w[0]).join(', ') : 'no claim'}`, () => {
      expect(kinds(text)).to.deep.equal(want)
    })
  }

  it('a checked item is a claim of each kind it names, or of none; an unchecked one is no claim', () => {
    const claims = parseClaims('## Done\n- [x] Tests\n* [X] lint + build\n- [ ] typecheck passes\n1. [x] Updated the changelog\n- [x]\n')
    expect(claims.map((c) => [c.kind, c.text, c.line, c.source])).to.deep.equal([
      ['tests', 'Tests', 2, 'checklist'],
      ['lint', 'lint + build', 3, 'checklist'],
      ['build', 'lint + build', 3, 'checklist'],
      [null, 'Updated the changelog', 5, 'checklist'],
    ])
  })

  it('pasted output in a fenced block is not a claim', () => {
    expect(kinds('Output:\n```\n12 tests pass\n```\nbuild ok\n')).to.deep.equal([['build', 'build ok']])
  })
})

describe('evidence gate: claims → commands (planEvidence)', () => {
  const cmds = {tests: 'npm test', lint: 'npm run lint'}
  it('one step per kind claimed (run once), in the order first claimed; the rest are unverifiable', () => {
    const steps = planEvidence(parseClaims('- [x] lint clean\ntests pass\n- [x] updated docs\nAll tests passing\nbuild ok\n- [x] wrote the ADR\n'), cmds)
    expect(steps.map((s) => [s.kind, s.command, s.claims.map((c) => c.line)])).to.deep.equal([
      ['lint', 'npm run lint', [1]],
      ['tests', 'npm test', [2, 4]],
      [null, null, [3]],
      ['build', null, [5]],
      [null, null, [6]],
    ])
  })
  it('a blank command counts as none', () => {
    expect(planEvidence(parseClaims('tests pass'), {tests: '  '})[0].command).to.equal(null)
  })
  it('the commands the job recorded win; else the config\'s; else none', () => {
    expect(evidenceCommands({tests: 'a'}, 'profile', {tests: 'b'})).to.deep.equal({commands: {tests: 'a'}, source: 'profile'})
    expect(evidenceCommands({}, 'default', {tests: 'b'})).to.deep.equal({commands: {tests: 'b'}, source: 'config'})
    expect(evidenceCommands(undefined, undefined, undefined)).to.deep.equal({commands: {}, source: 'none'})
  })
  it('the verdict: refuted outweighs unverifiable; no claim is signoff_missing', () => {
    const c = (status) => ({text: 't', kind: 'tests', line: 1, status, command: null, run: null})
    expect(evidenceVerdict([c('verified'), c('unverifiable'), c('refuted')])).to.deep.equal({passed: false, reason_code: 'claim_refuted'})
    expect(evidenceVerdict([c('verified'), c('unverifiable')])).to.deep.equal({passed: false, reason_code: 'unverified_claims'})
    expect(evidenceVerdict([c('verified')])).to.deep.equal({passed: true, reason_code: null})
    expect(evidenceVerdict([])).to.deep.equal({passed: false, reason_code: 'signoff_missing'})
  })
  it('a verification command gets a clean environment: no credential, no dx-runner setting', () => {
    const env = verificationEnv({PATH: '/bin', HOME: '/h', LANG: 'C', CC_GLM_AUTH_TOKEN: 'x', ANTHROPIC_API_KEY: 'y', DX_RUNNER_HOME: '/r', NODE_OPTIONS: '--require evil', GITHUB_TOKEN: 'z'})
    expect(env).to.deep.equal({PATH: '/bin', HOME: '/h', LANG: 'C'})
  })
})

describe('evidence gate: the evidence section of a profile', () => {
  it('declares a command per known kind; an unknown kind or an empty command is refused with its key path', () => {
    expect(validateProfile({evidence: {tests: 'npm test', lint: 'npm run lint', build: 'make', typecheck: 'tsc --noEmit'}})).to.deep.equal([])
    expect(validateProfile({evidence: {deploy: 'make deploy'}})).to.deep.equal(['evidence.deploy: unknown key'])
    expect(validateProfile({evidence: {tests: ''}})).to.deep.equal(['evidence.tests: must NOT have fewer than 1 characters'])
  })
  it('is a start setting: profile > config > default {}, with its source', () => {
    const run = (profile, config) => resolveSettings({flags: {}, env: {}, envFromConfig: new Set(), profile, config: () => config})
    expect(run({evidence: {tests: 'a'}}, {evidence: {tests: 'b'}})).to.nested.include({'settings.evidence.tests': 'a', 'sources.evidence': 'profile'})
    expect(run({}, {evidence: {lint: 'b'}})).to.nested.include({'settings.evidence.lint': 'b', 'sources.evidence': 'config'})
    const none = run(undefined, {})
    expect(none.settings.evidence).to.deep.equal({})
    expect(none.sources.evidence).to.equal('default')
  })
})
