/** A long-lived part of the node. The node starts them in order and stops them in reverse order. */
export interface Startable {
  start(): Promise<void>
  stop(): Promise<void>
}
