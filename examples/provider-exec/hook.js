// The oclif hook dx-runner asks every plugin: answer who we are, with no I/O.
import {execProvider} from './provider.js'

export default async function provider() {
  return execProvider
}
