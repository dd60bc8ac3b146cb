import {expect} from 'chai'
import {classifyPluginArgument} from '../dist/lib/local-plugin.js'

describe('plugins install: which arguments are local providers', () => {
  const disk = {'/w/pkg.tgz': 'file', '/w/x/prov': 'directory', '/w/owner/repo': 'directory', '/h/p.tar.gz': 'file', '/w/notes.txt': 'file', '/abs/dir': 'directory'}
  const kindOf = (p) => disk[p]
  const classify = (arg) => classifyPluginArgument(arg, '/w', '/h', kindOf)

  it('a tarball or a directory given as a path becomes its absolute path', () => {
    expect(classify('./pkg.tgz')).to.deep.equal({kind: 'tarball', path: '/w/pkg.tgz'})
    expect(classify('pkg.tgz')).to.deep.equal({kind: 'tarball', path: '/w/pkg.tgz'})
    expect(classify('file:pkg.tgz')).to.deep.equal({kind: 'tarball', path: '/w/pkg.tgz'})
    expect(classify('~/p.tar.gz')).to.deep.equal({kind: 'tarball', path: '/h/p.tar.gz'})
    expect(classify('./x/prov')).to.deep.equal({kind: 'directory', path: '/w/x/prov'})
    expect(classify('/abs/dir')).to.deep.equal({kind: 'directory', path: '/abs/dir'})
    expect(classify('file:///abs/dir')).to.deep.equal({kind: 'directory', path: '/abs/dir'})
    expect(classify('x/prov/../prov')).to.deep.equal({kind: 'directory', path: '/w/x/prov'})
  })

  it('a path that does not exist (or is not a tarball) is missing, never a registry or GitHub name', () => {
    expect(classify('./nope.tgz')).to.deep.equal({kind: 'missing', path: '/w/nope.tgz'})
    expect(classify('nope.tar.gz')).to.deep.equal({kind: 'missing', path: '/w/nope.tar.gz'})
    expect(classify('../nope')).to.deep.equal({kind: 'missing', path: '/nope'})
    expect(classify('./notes.txt')).to.deep.equal({kind: 'missing', path: '/w/notes.txt'})
  })

  it('package names, scoped names, tags, URLs and GitHub slugs that are not here stay with oclif', () => {
    for (const arg of ['dx-runner-provider-exec', 'dx-runner-provider-exec@1.2.0', '@scope/provider', '@scope/provider@next', 'someuser/someplugin', 'https://github.com/u/p', 'git+ssh://git@github.com/u/p.git']) {
      expect(classify(arg), arg).to.deep.equal({kind: 'registry-or-repo'})
    }
    // an owner/repo that is a directory here is the directory
    expect(classify('owner/repo')).to.deep.equal({kind: 'directory', path: '/w/owner/repo'})
  })
})

describe('plugins: kept local tarballs', () => {
  it('a kept tarball no dependency refers to is removed; the ones in use and other files stay', async () => {
    const {unreferencedLocalPackages} = await import('../dist/lib/keep-local-package.js')
    const kept = ['a-1.0.0.tgz', 'b-2.0.0.tgz', 'c-0.1.0.tgz', '.pack-x1']
    const deps = {a: 'file:local/a-1.0.0.tgz', c: 'file:./local/c-0.1.0.tgz', d: '^1.0.0', e: 'file:../elsewhere/b-2.0.0.tgz'}
    expect(unreferencedLocalPackages(kept, deps)).to.deep.equal(['b-2.0.0.tgz'])
  })
})
