import type { Module } from './module'

/** A module's class, abstract ones included. */
export type ModuleClass<M extends Module> = abstract new (...args: any[]) => M

/** A handler per module class (an exporter, a tracer), each typed for its own class when registered. */
export class ModuleRegistry<H> {
  private readonly handlers = new Map<ModuleClass<Module>, H>()

  register(type: ModuleClass<Module>, handler: H): void {
    this.handlers.set(type, handler)
  }

  /** The handler of the module's own class, or null. */
  exact(module: Module): H | null {
    return this.handlers.get(module.constructor as ModuleClass<Module>) ?? null
  }

  /** The handler of the module's class or its nearest registered ancestor, or null. */
  nearest(module: Module): H | null {
    for (let proto = Object.getPrototypeOf(module); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const handler = this.handlers.get(proto.constructor)
      if (handler) return handler
    }
    return null
  }
}
