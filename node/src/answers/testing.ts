import { addSource } from '../ingest/add-source.ts'
import type { ChatGenerator, GenerateRequest, GenerateResult } from '../llm/chat.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { sharedPath, tempDir, writeFiles } from '../test/helpers.ts'

/** The tiny real model (../shared/models), or null where this clone has none: tests print SKIP. */
export const TEST_MODEL = sharedPath('models/stories260K.gguf')

export interface AnswerNodeOptions {
  chat: boolean
  /** files of a second source "Bauamt", visible to group bauamt only */
  restricted?: Record<string, string>
  slots?: number
  maxQueued?: number
  maxAnswerTokens?: number
}

/** A real node on a temp dir with the files ingested as source "Ablage"; with the test model as chat model. */
export async function openAnswerNode(files: Record<string, string>, options: AnswerNodeOptions): Promise<WissensnetzNode> {
  const docs = tempDir('answer-docs')
  writeFiles(docs, files)
  const node = await WissensnetzNode.open({
    dataDir: resolveDataDir(tempDir('answer-data')),
    exclusive: true,
    models: true,
    chat: options.chat,
    configOverrides: (c) => ({
      ...c,
      ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false },
      models: {
        ...c.models,
        chat: options.chat ? TEST_MODEL : null,
        // one thread: llama.cpp's spinning threads starve each other on a shared 2-core machine
        threads: 1,
        chatSlots: options.slots ?? 1,
        maxQueuedRequests: options.maxQueued ?? 4,
        chatContextSize: 2048,
        maxAnswerTokens: options.maxAnswerTokens ?? 24,
      },
    }),
  })
  addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
  if (options.restricted !== undefined) {
    const restricted = tempDir('answer-restricted')
    writeFiles(restricted, options.restricted)
    addSource(node.sources, { kind: 'folder', location: restricted, name: 'Bauamt', groups: ['bauamt'] })
  }
  await node.scheduler.triggerAll()
  return node
}

/** A chat generator that streams a fixed answer word by word and records every request it got. */
export function stubChat(answer: string, contextSize = 4096): ChatGenerator & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = []
  return {
    modelId: 'stub',
    contextSize,
    requests,
    // about four characters per token, like German text in real tokenizers
    countTokens: (text) => Math.ceil(text.length / 4),
    async generate(request): Promise<GenerateResult> {
      requests.push(request)
      request.onAdmitted?.()
      for (const piece of answer.split(/(?<= )/)) request.onToken?.(piece)
      return {
        text: answer,
        stopReason: 'eos',
        stats: { promptTokens: 100, outputTokens: 10, queuedMs: 0, modelFirstTokenMs: 1, modelTotalMs: 2 },
      }
    },
  }
}
