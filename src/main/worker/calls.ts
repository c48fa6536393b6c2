import { threadId, type MessagePort, type Worker } from 'node:worker_threads'
import { errorMessage } from '../../shared/error-message'
import { endWorker, exitWhenAsked } from './exit'

/** What a worker answers by name: each a function of structured-clonable arguments, answering a clonable value. */
export type Calls = { readonly [name: string]: (...args: never[]) => unknown }

/** The arguments and the reply of one call. */
export type CallArgs<C extends Calls, K extends keyof C> = Parameters<C[K]>
export type CallReply<C extends Calls, K extends keyof C> = Awaited<ReturnType<C[K]>>

/** A request: call `name` with `args`; the answer carries its `id`. */
export interface CallMessage {
  readonly type: 'call'
  readonly id: number
  readonly name: string
  readonly args: readonly unknown[]
}

/**
 * A call's answer: its value and the thread that computed it, or the message of what it threw (which the caller
 * throws again as an Error with that message, so a refusal reads the same as it did in main).
 */
export type AnswerMessage =
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown; readonly threadId: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string }

const isCall = (message: unknown): message is CallMessage => (message as CallMessage | null)?.type === 'call'

/**
 * Answer every call that arrives on `port` with `calls` (in the worker); when `endWorker` asks, end the thread after
 * `beforeExit`.
 */
export function serveCalls(port: MessagePort, calls: Calls, beforeExit?: () => Promise<void>): void {
  const table = calls as unknown as Record<string, (...args: unknown[]) => unknown>
  port.on('message', (message: unknown) => {
    if (exitWhenAsked(message, beforeExit) || !isCall(message)) return
    const answer = (reply: AnswerMessage): void => port.postMessage(reply)
    const failed = (error: unknown): void => answer({ type: 'error', id: message.id, message: errorMessage(error) })
    const handler = Object.hasOwn(table, message.name) ? table[message.name] : null
    if (!handler) return failed(new Error(`the worker has no call named ${message.name}`))
    try {
      Promise.resolve(handler(...message.args)).then((value) => answer({ type: 'reply', id: message.id, value, threadId }), failed)
    } catch (error) {
      failed(error)
    }
  })
}

/**
 * The main thread's side of a worker that serves calls: `call` by name with typed arguments and reply, plain
 * request/reply messages underneath. When the worker dies or is closed, every call still waiting is refused with
 * the reason; messages that are not answers go to `onMessage`. The worker keeps the process alive only while a call
 * waits on it.
 */
export class CallClient<C extends Calls> {
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  #next = 0
  #gone: string | null = null
  /** The thread that computed the last reply. */
  lastThreadId: number | null = null

  constructor(private readonly worker: Worker, private readonly name: string, onMessage: (message: unknown) => void) {
    worker.on('message', (message: AnswerMessage | { type?: unknown }) => {
      if (message.type !== 'reply' && message.type !== 'error') return onMessage(message)
      const answer = message as AnswerMessage
      const waiting = this.#pending.get(answer.id)
      if (!waiting) return
      this.#pending.delete(answer.id)
      if (this.#pending.size === 0) worker.unref()
      if (answer.type === 'reply') {
        this.lastThreadId = answer.threadId
        waiting.resolve(answer.value)
      } else waiting.reject(new Error(answer.message))
    })
    worker.unref()
    worker.on('error', (error) => this.#refuseAll(`${this.name} crashed: ${error.message}`))
    worker.on('exit', (code) => this.#refuseAll(`${this.name} stopped (exit code ${code})`))
  }

  /** Whether the worker has died or been closed (calls are refused). */
  get gone(): boolean {
    return this.#gone !== null
  }

  /** Call `name` in the worker with `args`; settles with its reply, or its error's message. */
  call<K extends keyof C & string>(name: K, ...args: CallArgs<C, K>): Promise<CallReply<C, K>> {
    if (this.#gone) return Promise.reject(new Error(this.#gone))
    const id = ++this.#next
    return new Promise<CallReply<C, K>>((resolve, reject) => {
      if (this.#pending.size === 0) this.worker.ref()
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      const message: CallMessage = { type: 'call', id, name, args }
      this.worker.postMessage(message)
    })
  }

  /** End the worker: calls still waiting are refused with `reason`; resolves once its thread is gone. */
  async close(reason: string): Promise<void> {
    this.#refuseAll(reason)
    await endWorker(this.worker)
  }

  #refuseAll(reason: string): void {
    if (this.#gone) return
    this.#gone = reason
    for (const { reject } of this.#pending.values()) reject(new Error(reason))
    this.#pending.clear()
  }
}
