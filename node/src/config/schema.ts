import { z } from 'zod'

/** Addresses the API may bind to until login exists (issue: the API serves loopback only). */
const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1)$/

export const configSchema = z
  .object({
    node: z
      .object({
        name: z.string().min(1, 'darf nicht leer sein').default('Wissensnetz-Knoten'),
      })
      .strict()
      .default({ name: 'Wissensnetz-Knoten' }),
    server: z
      .object({
        host: z
          .string()
          .regex(LOOPBACK_HOST, 'muss eine Loopback-Adresse sein (127.0.0.1, ::1), solange es keine Anmeldung gibt')
          .default('127.0.0.1'),
        port: z.number().int().min(1).max(65535).default(8080),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080 }),
    models: z
      .object({
        dir: z.string().default('models'),
        embedding: z.string().nullable().default(null),
        chat: z.string().nullable().default(null),
        threads: z.number().int().min(0).max(256).default(0),
      })
      .strict()
      .default({ dir: 'models', embedding: null, chat: null, threads: 0 }),
    ingest: z
      .object({
        rescanIntervalMinutes: z.number().min(0).default(15),
        watch: z.boolean().default(true),
        maxFileMegabytes: z.number().positive().max(10_000).default(100),
        ocr: z.boolean().default(true),
        concurrency: z.number().int().min(1).max(32).default(2),
        embedBatchSize: z.number().int().min(1).max(1024).default(32),
      })
      .strict()
      .default({ rescanIntervalMinutes: 15, watch: true, maxFileMegabytes: 100, ocr: true, concurrency: 2, embedBatchSize: 32 }),
    search: z
      .object({
        defaultLimit: z.number().int().min(1).max(100).default(10),
        candidates: z.number().int().min(10).max(1000).default(60),
      })
      .strict()
      .default({ defaultLimit: 10, candidates: 60 }),
  })
  .strict()

export type Config = z.infer<typeof configSchema>

export const DEFAULT_CONFIG_YAML = `# Wissensnetz – Konfiguration dieses Knotens.
# Änderungen werden beim nächsten Start wirksam. Ungültige Werte werden beim Start gemeldet,
# der Knoten startet dann nicht.

node:
  # Name der Kommune, wie andere ihn sehen
  name: Wissensnetz-Knoten

server:
  # Solange es keine Anmeldung gibt, nur Loopback (127.0.0.1 oder ::1)
  host: 127.0.0.1
  port: 8080

models:
  # Ordner mit GGUF-Modellen, relativ zum Datenverzeichnis
  dir: models
  # Dateiname des Embedding-Modells im Modellordner (z. B. multilingual-e5-small-q8_0.gguf);
  # leer = nur lexikalische Suche
  embedding: null
  # Dateiname des Chat-Modells; leer = extraktive Antworten
  chat: null
  # CPU-Threads für llama.cpp; 0 = Anzahl der Prozessorkerne
  threads: 0

ingest:
  # Quellen regelmäßig neu einlesen (Minuten); 0 = nur bei Änderungen und auf Anforderung
  rescanIntervalMinutes: 15
  # Ordner und Postfächer auf Änderungen überwachen
  watch: true
  # Größere Dateien werden mit Grund "too_large" abgelehnt
  maxFileMegabytes: 100
  # Texterkennung (OCR, Deutsch) für gescannte PDF-Seiten; braucht tesseract-ocr-deu
  ocr: true
  # Dokumente, die gleichzeitig gelesen und zerlegt werden
  concurrency: 2
  # Textabschnitte je Embedding-Aufruf
  embedBatchSize: 32

search:
  # Treffer je Suche, wenn nichts anderes verlangt wird
  defaultLimit: 10
  # Kandidaten je Suchverfahren vor der Fusion
  candidates: 60
`
