import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  type AgentDefinition,
  agentFile,
  canonicalAgentJson,
  MAX_AGENT_FILE_BYTES,
  MAX_INSTRUCTIONS_CHARS,
  parseAgentFile,
} from './agent.ts'

const definition: AgentDefinition = {
  id: '0b7c3f4e-2d1a-4c8b-9e6f-5a4b3c2d1e0f',
  version: 3,
  name: 'Vermerk',
  description: 'Vermerk aus Stichpunkten',
  category: 'Schriftgut',
  instructions: 'Formuliere einen Vermerk.',
  starterPrompts: ['Stichpunkte: …', 'Besprechung'],
  parameters: { temperature: 0.3, maxTokens: 800 },
  requiredCapabilities: ['chat'],
  knowledgeScope: ['Dienstanweisungen'],
  outputTemplate: '**Vermerk**\n{{Sachverhalt}}',
  language: 'de',
  authorMunicipality: 'Andernach',
  licence: 'CC-BY-4.0',
  createdAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-01-03T03:04:05.000Z',
  provenance: { origin: 'local' },
}

/** The same object with every level's keys in reverse order. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((k) => [k, reversed((value as Record<string, unknown>)[k])]),
  )
}

test('canonical JSON is the same whatever order the keys come in, and leaves the signature out', () => {
  const canonical = canonicalAgentJson(definition)
  assert.is(canonicalAgentJson(reversed(definition) as AgentDefinition), canonical)
  const signed = { ...definition, signature: { publicKey: 'cHVi', value: 'c2ln', algorithm: 'ed25519' as const } }
  assert.is(canonicalAgentJson(signed), canonical, 'a signature does not sign itself')
  assert.ok(canonical.startsWith('{"authorMunicipality":"Andernach","category":"Schriftgut"'))
  assert.ok(canonical.includes('"parameters":{"maxTokens":800,"temperature":0.3}'), 'nested keys are sorted too')
  assert.ok(canonical.includes('"starterPrompts":["Stichpunkte: …","Besprechung"]'), 'array order is kept')
  assert.is.not(canonicalAgentJson({ ...definition, instructions: 'Anders.' }), canonical, 'a changed field changes the bytes')
})

test('a valid export file is read back to the same definition', () => {
  const parsed = parseAgentFile(JSON.stringify(agentFile(definition)))
  assert.ok(parsed.ok)
  if (parsed.ok) assert.equal(parsed.value.agent, definition)
})

const problemsOf = (input: unknown) => {
  const parsed = parseAgentFile(input)
  assert.not.ok(parsed.ok, 'the file is refused')
  return parsed.ok ? [] : parsed.problems
}

test('bad files are refused with each problem named by its field path', () => {
  const notJson = problemsOf('{"format": "wissensnetz-agent", ')
  assert.equal(
    notJson.map((p) => p.field),
    ['(Datei)'],
  )
  assert.match(notJson[0]?.problem ?? '', /kein gültiges JSON/)

  const wrongFormat = problemsOf({ format: 'chatgpt-gpt', formatVersion: 1, agent: definition })
  assert.equal(
    wrongFormat.map((p) => p.field),
    ['format'],
  )
  assert.equal(
    problemsOf({ format: 'wissensnetz-agent', formatVersion: 2, agent: definition }).map((p) => p.field),
    ['formatVersion'],
  )

  const { instructions: _i, name: _n, ...incomplete } = definition
  const missing = problemsOf(agentFile({ ...incomplete, parameters: { temperature: 5, maxTokens: 100 } } as unknown as AgentDefinition))
  assert.equal(missing.map((p) => p.field).sort(), ['agent.instructions', 'agent.name', 'agent.parameters.temperature'])
  assert.ok(missing.every((p) => p.problem.length > 0))

  const oversize = problemsOf(agentFile({ ...definition, instructions: 'x'.repeat(MAX_INSTRUCTIONS_CHARS + 1) }))
  assert.equal(
    oversize.map((p) => p.field),
    ['agent.instructions'],
  )
  assert.match(oversize[0]?.problem ?? '', String(MAX_INSTRUCTIONS_CHARS))

  const tooLarge = problemsOf(' '.repeat(MAX_AGENT_FILE_BYTES + 1))
  assert.equal(
    tooLarge.map((p) => p.field),
    ['(Datei)'],
  )
  assert.equal(
    problemsOf({ format: 'wissensnetz-agent', formatVersion: 1, agent: { ...definition, script: 'rm -rf /' } }).map((p) => p.field),
    ['agent'],
    'unknown fields are refused: a definition is data, nothing else',
  )
})

test.run()
