import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '../test/helpers.ts'

const CLI = fileURLToPath(new URL('../../bin/wissensnetz.js', import.meta.url))
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/

function run(data: string, args: string[]) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WISSENSNETZ_LOG: 'silent' },
  })
  return { code: result.status, out: result.stdout, err: result.stderr }
}

test('agents: create, export, edit, stale edit, import, versions, bind and delete from the command line', () => {
  const data = tempDir('cli-agents')
  const files = tempDir('cli-agent-files')
  assert.is(run(data, ['init']).code, 0)
  const starters = JSON.parse(run(data, ['agents', 'list', '--json']).out) as Array<{ name: string }>
  assert.is(starters.length, 5, 'the starter agents are there after init')

  const draftFile = join(files, 'def.json')
  const draft = { name: 'Sitzungsvorlage', category: 'Gremien', instructions: 'Entwirf eine Vorlage.', knowledgeScope: ['Satzungen'] }
  writeFileSync(draftFile, JSON.stringify(draft))
  const created = run(data, ['agents', 'create', '--file', draftFile])
  assert.is(created.code, 0, created.err)
  const id = UUID.exec(created.out)?.[0] ?? ''
  assert.ok(id !== '', created.out)

  const exported = join(files, 'export.json')
  assert.is(run(data, ['agents', 'export', id, '--out', exported]).code, 0)
  const file = JSON.parse(readFileSync(exported, 'utf8')) as { agent: { name: string; version: number } }
  assert.is(file.agent.version, 1)
  file.agent.name = 'Sitzungsvorlage für den Rat'
  writeFileSync(exported, JSON.stringify(file))
  const edited = run(data, ['agents', 'edit', id, '--file', exported])
  assert.is(edited.code, 0, edited.err)
  assert.is(run(data, ['agents', 'edit', id, '--file', exported]).code, 1, 'the file was edited from version 1: a stale save is refused')
  const shown = JSON.parse(run(data, ['agents', 'show', id]).out) as { name: string; version: number }
  assert.equal([shown.name, shown.version], ['Sitzungsvorlage für den Rat', 2])
  assert.is(run(data, ['agents', 'versions', id]).out.trim().split('\n').length, 2)

  assert.is(run(data, ['agents', 'import', exported]).code, 1, 'the same agent is never overwritten')
  const copy = run(data, ['agents', 'import', exported, '--as-copy'])
  assert.is(copy.code, 0, copy.err)
  assert.is.not(UUID.exec(copy.out)?.[0], id)

  const bad = join(files, 'bad.json')
  writeFileSync(bad, JSON.stringify({ format: 'wissensnetz-agent', formatVersion: 1, agent: { ...file.agent, instructions: '' } }))
  const refused = run(data, ['agents', 'import', bad])
  assert.is(refused.code, 1)
  assert.match(refused.err, /agent\.instructions/, 'the problem is named by its field')

  assert.is(run(data, ['sources', 'add', 'folder', files, '--name', 'Ortsrecht']).code, 0)
  assert.is(run(data, ['agents', 'bind', 'Satzungen', 'Ortsrecht']).code, 0)
  const bindings = JSON.parse(run(data, ['agents', 'bindings']).out) as { bindings: unknown[] }
  assert.equal(bindings.bindings, [{ tag: 'Satzungen', sources: [{ id: 1, name: 'Ortsrecht' }] }])

  assert.is(run(data, ['agents', 'delete', id]).code, 0)
  assert.is(run(data, ['agents', 'show', id]).code, 1)
  assert.is((JSON.parse(run(data, ['agents', 'list', '--json']).out) as unknown[]).length, 6)
})

test.run()
