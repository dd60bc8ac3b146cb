// The SDK's one-way dependencies (README "Writing a provider"): the contract depends on nothing, the
// helpers only on the contract, and no provider on the engine.
import {expect} from 'chai'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const pkg = (dir) => JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8'))
const deps = (p) => ({...p.dependencies, ...p.peerDependencies, ...p.optionalDependencies, ...p.devDependencies})

/** Every module specifier imported by the sources under `dir` (ts and js, not dist or node_modules). */
function importsUnder(dir) {
  const out = []
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'dist') continue
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (/\.(ts|js)$/.test(name)) for (const m of readFileSync(p, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) out.push({file: p.slice(REPO.length + 1), spec: m[1]})
    }
  }
  walk(join(REPO, dir))
  return out
}

const PROVIDERS = ['packages/provider-cc-glm', 'packages/provider-claude-code', 'packages/provider-gemini', 'packages/provider-opencode', 'examples/provider-exec']

describe('package boundaries of the provider SDK', () => {
  it('@dx-runner/provider has no runtime dependency and imports only node: built-ins and itself', () => {
    const p = pkg('packages/provider')
    expect(p.dependencies ?? {}).to.deep.equal({})
    expect(p.peerDependencies ?? {}).to.deep.equal({})
    const foreign = importsUnder('packages/provider/src').filter((i) => !i.spec.startsWith('.') && !i.spec.startsWith('node:'))
    expect(foreign).to.deep.equal([])
  })

  it('@dx-runner/provider-utils depends only on @dx-runner/provider', () => {
    expect(Object.keys(pkg('packages/provider-utils').dependencies ?? {})).to.deep.equal(['@dx-runner/provider'])
    const foreign = importsUnder('packages/provider-utils/src').filter((i) => !i.spec.startsWith('.') && !i.spec.startsWith('node:') && i.spec !== '@dx-runner/provider')
    expect(foreign).to.deep.equal([])
  })

  for (const dir of PROVIDERS) {
    it(`${dir} neither lists nor imports @dx-runner/core`, () => {
      expect(Object.keys(deps(pkg(dir)))).to.not.include('@dx-runner/core')
      expect(importsUnder(dir).filter((i) => i.spec.startsWith('@dx-runner/core'))).to.deep.equal([])
    })
  }

  // what two providers share lives in the SDK (e.g. @dx-runner/provider-utils/claude-code), never in one of them
  for (const dir of PROVIDERS) {
    it(`${dir} neither lists nor imports another provider`, () => {
      const own = pkg(dir).name
      const isProvider = (name) => /^@dx-runner\/provider-(?!(utils|testkit)(\/|$))/.test(name) || name.startsWith('dx-runner-provider-')
      expect(Object.keys(deps(pkg(dir))).filter(isProvider)).to.deep.equal([])
      expect(importsUnder(dir).filter((i) => isProvider(i.spec) && !i.spec.startsWith(own))).to.deep.equal([])
    })
  }

  it('the engine depends on the SDK, never the reverse', () => {
    expect(Object.keys(pkg('packages/core').dependencies)).to.include.members(['@dx-runner/provider', '@dx-runner/provider-utils'])
    for (const dir of ['packages/provider', 'packages/provider-utils']) expect(Object.keys(deps(pkg(dir)))).to.not.include('@dx-runner/core')
  })
})
