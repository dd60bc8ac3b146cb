import {DxError, listProfiles, readProfile} from '@dx-runner/core'
import {DxCommand} from '../../lib/base-command.js'
import {emit} from '../../lib/output.js'
import {commandFlags} from '../../lib/oclif-flags.js'
import {profileDirs} from '../../lib/profile-dirs.js'
import {table} from '../../lib/views.js'

export default class Profiles extends DxCommand {
  static summary = 'Named start settings: built-in ones and yours.'
  static description =
    'Lists the profiles `start --profile <name>` can use: built-in ones shipped with dx-runner and yours under <config dir>/profiles (<name>.yaml, .yml or .json), which shadow a built-in of the same name. `profiles show <name>` prints what a start would get.'
  static examples = ['<%= config.bin %> profiles', '<%= config.bin %> profiles --json']
  static flags = commandFlags('profiles')

  async run(): Promise<void> {
    const {flags} = await this.parse(Profiles)
    const profiles: {name: string; origin: string; file: string; provider: string | null; description: string | null; error?: string}[] = []
    for (const p of listProfiles(profileDirs(process.env))) {
      try {
        const {profile} = await readProfile(p.file, p.name, p.origin)
        profiles.push({...p, provider: profile.provider?.name ?? null, description: profile.description ?? null})
      } catch (error) {
        // a broken file is listed with its problem, not hidden: `profiles show` and `start` refuse it
        profiles.push({...p, provider: null, description: null, error: DxError.isInstance(error) ? error.message : String(error)})
      }
    }
    const text = table(
      ['NAME', 'FROM', 'PROVIDER', 'DESCRIPTION'],
      profiles.map((p) => [p.name, p.origin, p.provider ?? '-', p.error ? `invalid: ${p.error}` : (p.description ?? '')]),
    )
    emit({doc: {profiles}, text}, flags.json)
  }
}
