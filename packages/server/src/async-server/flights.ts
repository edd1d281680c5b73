/** One dispatched client whose update the server still awaits. */
export interface Flight {
  /** The dispatch's ticket: the `round` of its `task` and of the `update` that answers it. */
  readonly ticket: number;
  readonly client: number;
  /** The server model version the client downloaded. */
  readonly version: number;
}

/**
 * The clients in flight of an asynchronous run over sockets, by ticket, and the models they downloaded
 * (kept only when the rule reads them: FedAsync's x_τ). Tickets count up from 0, one per dispatch, so a
 * client dispatched twice at the same model version still has two distinct tickets, and an answer to a
 * ticket that is no longer in flight (late, duplicate, or its client was given up) is recognised.
 */
export class Flights {
  private readonly byTicket = new Map<number, Flight>();
  private readonly models = new Map<number, { readonly model: Float32Array; refs: number }>();
  private next = 0;

  /** @param keepModels keep each in-flight version's model ({@link AsyncRule.readsDispatchModel}) */
  constructor(private readonly keepModels: boolean) {}

  /** Clients in flight. */
  get size(): number {
    return this.byTicket.size;
  }

  /** Puts `client` in flight with the model of `version` (`model`, copied once per version when kept). */
  open(client: number, version: number, model: Float32Array): Flight {
    const f = { ticket: this.next++, client, version };
    this.byTicket.set(f.ticket, f);
    if (this.keepModels) {
      const held = this.models.get(version);
      if (held) held.refs++;
      else this.models.set(version, { model: model.slice(), refs: 1 });
    }
    return f;
  }

  /**
   * Ends ticket `ticket` of `client` and returns its flight, or null when no such flight is open (the
   * ticket ended already, or names another client). The caller may read the version's model
   * ({@link modelOf}), then calls {@link release}.
   */
  close(ticket: number, client: number): Flight | null {
    const f = this.byTicket.get(ticket);
    if (f === undefined || f.client !== client) return null;
    this.byTicket.delete(ticket);
    return f;
  }

  /** The model flight `f` downloaded (kept models only). */
  modelOf(f: Flight): Float32Array | undefined {
    return this.models.get(f.version)?.model;
  }

  /** Drops closed flight `f`'s hold on its version's model. */
  release(f: Flight): void {
    const held = this.models.get(f.version);
    if (held && --held.refs === 0) this.models.delete(f.version);
  }

  /** Closes every flight whose client `gone` says is gone, in ticket order, and returns them. */
  closeWhere(gone: (client: number) => boolean): Flight[] {
    const out = [...this.byTicket.values()].filter((f) => gone(f.client));
    for (const f of out) {
      this.byTicket.delete(f.ticket);
      this.release(f);
    }
    return out;
  }
}
