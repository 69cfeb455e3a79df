import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ConfigError } from '../errors.ts'
import { loadConfig, parseConfig } from './load.ts'
import { DEFAULT_CONFIG_YAML } from './schema.ts'

test('the commented default file is valid and yields the defaults', () => {
  const config = parseConfig(parse(DEFAULT_CONFIG_YAML))
  assert.is(config.server.port, 8080)
  assert.is(config.server.host, '127.0.0.1')
  assert.is(config.models.embedding, null)
})

test('every problem is reported, not only the first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wn-config-'))
  const file = join(dir, 'config.yaml')
  writeFileSync(file, 'server:\n  port: "achtzig"\n  host: ""\ningest:\n  concurrency: 0\nunbekannt: 1\n')
  try {
    loadConfig(file)
    assert.unreachable('invalid config accepted')
  } catch (err) {
    assert.instance(err, ConfigError)
    const problems = (err as ConfigError).problems.join('\n')
    assert.ok(problems.includes('server.port'), problems)
    assert.ok(problems.includes('server.host'), problems)
    assert.ok(problems.includes('ingest.concurrency'), problems)
    assert.ok(problems.includes('unbekannt'), problems)
  }
})

test('broken YAML is a ConfigError naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wn-config-'))
  const file = join(dir, 'config.yaml')
  writeFileSync(file, 'server: [unclosed\n')
  try {
    loadConfig(file)
    assert.unreachable('broken YAML accepted')
  } catch (err) {
    assert.is((err as ConfigError).code, 'config_invalid')
    assert.ok((err as ConfigError).problems[0]?.includes(file))
  }
})

test.run()
