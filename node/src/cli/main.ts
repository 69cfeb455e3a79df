import '../polyfill.ts'
import { Command, Option } from 'commander'
import { ConfigError, WissensnetzError } from '../errors.ts'
import { setQuiet } from '../log.ts'
import { registerAgentCommands } from './agent-commands.ts'
import { registerAskCommands } from './ask-commands.ts'
import { registerCommands } from './commands.ts'
import { registerUserCommands } from './user-commands.ts'
import { registerFederationCommands } from './federation-commands.ts'

const program = new Command()
program
  .name('wissensnetz')
  .description('Wissensnetz – föderiertes Wissensnetz für Kommunalverwaltungen')
  .addOption(new Option('--data <dir>', 'Datenverzeichnis').env('WISSENSNETZ_DATA').default('data'))
  .showHelpAfterError()
registerCommands(program)
registerFederationCommands(program)
registerAgentCommands(program)
registerUserCommands(program)
registerAskCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  setQuiet(false)
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(2)
  }
  if (err instanceof WissensnetzError && err.expose) {
    process.stderr.write(`Fehler: ${err.message}\n`)
    if (Array.isArray(err.details)) for (const d of err.details) process.stderr.write(`  - ${JSON.stringify(d)}\n`)
    process.exit(1)
  }
  if (err instanceof WissensnetzError) {
    process.stderr.write(`Fehler (${err.code}): ${err.message}\n`)
    process.exit(1)
  }
  process.stderr.write(`Unerwarteter Fehler: ${(err as Error).stack ?? String(err)}\n`)
  process.exit(1)
}
