import { z } from 'zod';

/** The default of `checkpoint.every`: a checkpoint every 10 rounds. */
export const DEFAULT_CHECKPOINT_EVERY = 10;

/**
 * `checkpoint`: when the run writes a checkpoint to `<run>/checkpoints/` (docs/checkpoints.md).
 * `every`: after every `every`-th round (after round r when (r + 1) % every = 0), never after the last
 * round (a completed run has its model and summary); 0 writes one only when the run is interrupted.
 * `keep`: how many of the newest checkpoints stay on disk (at least 1; 2 leaves one to fall back on
 * when the newest is damaged). Checkpoints only read the run's state: they never change its results.
 */
export const checkpointSchema = z
  .strictObject({
    every: z.number().int().nonnegative().default(DEFAULT_CHECKPOINT_EVERY),
    keep: z.number().int().positive().default(2),
  })
  .default({ every: DEFAULT_CHECKPOINT_EVERY, keep: 2 });

export type CheckpointConfig = z.infer<typeof checkpointSchema>;
