import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO, sandbox} from './helpers.js'

describe('help, autocomplete and the shipped docs', () => {
  let sb
  before(() => {
    sb = sandbox('help')
  })
  after(async () => sb.cleanup())

  const ours = readdirSync(join(REPO, 'packages/cli/src/commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3))

  it('every command\'s --help shows usage, a description and at least one example', () => {
    expect(ours.length).to.be.at.least(15)
    for (const id of [...ours, 'plugins install', 'plugins uninstall', 'autocomplete']) {
      const r = sb.run([...id.split(' '), '--help'])
      expect(r.code, id).to.equal(0)
      expect(r.stdout, id).to.match(/^USAGE$/m).and.match(/^EXAMPLES$/m)
      expect(r.stdout, id).to.include(`$ dx-runner ${id}`)
    }
  })

  for (const shell of ['bash', 'zsh']) {
    it(`autocomplete ${shell} prints the set-up, and the script it names exists`, () => {
      const r = sb.run(['autocomplete', shell])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.stdout).to.include(`dx-runner autocomplete script ${shell}`)
      const script = sb.run(['autocomplete', 'script', shell])
      expect(script.code).to.equal(0)
      expect(script.stdout).to.match(/DX_RUNNER_AC_/)
    })
  }

  it('the package ships SKILL.md, and the README command reference is current', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'packages/cli/package.json'), 'utf8'))
    expect(pkg.files).to.include('SKILL.md')
    const skill = readFileSync(join(REPO, 'packages/cli/SKILL.md'), 'utf8')
    expect(skill).to.match(/^---\nname: dx-runner\n/)
    const readme = readFileSync(join(REPO, 'packages/cli/README.md'), 'utf8')
    for (const id of ours) expect(readme, id).to.include(`## \`dx-runner ${id}`)
    for (const flag of ['--fallback-model', '--config']) expect(readme).to.include(flag)
  })
})
