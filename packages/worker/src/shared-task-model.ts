/**
 * The task model in shared memory for a worker host's pool threads. The buffer of the previous round
 * is reused when no task still reads it (the usual case); a task that overlaps a running one (a round
 * closed by its deadline) gets a fresh buffer, and the old one stays with the tasks that hold it.
 */
export class SharedTaskModel {
  private model: Float32Array | null = null;
  /** How many tasks still read `model`. */
  private users = 0;

  /** Copies `model` into shared memory for one more task; call `release` with the result when it ends. */
  acquire(model: Float32Array): Float32Array {
    if (this.users > 0 || this.model?.length !== model.length) {
      this.model = new Float32Array(new SharedArrayBuffer(model.byteLength));
      this.users = 0;
    }
    this.model.set(model);
    this.users++;
    return this.model;
  }

  /** A task that read `shared` ended. */
  release(shared: Float32Array): void {
    if (shared === this.model) this.users--;
  }
}
