import {claudeCodeProvider} from '../provider.js'

/** oclif hook `dx-runner:provider`: answers who we are, no I/O. */
export default async function provider() {
  return claudeCodeProvider
}
