import { evaluate, type Kernels, type LossKind, type Model, type TrainingData } from '@starling/core';
import { averageModel, consensusError, type GossipRound } from '@starling/worker';

/** The gossip fields of one `metrics.jsonl` line (besides the contract fields). */
export interface GossipMetrics {
  train_loss: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
  bytes_up: number;
  bytes_down: number;
  participants: number;
  failures: number;
  consensus_error: number | null;
  node_accuracy_mean: number | null;
  node_accuracy_std: number | null;
  node_accuracy_min: number | null;
  node_accuracy_max: number | null;
  dropped_neighbours: number;
  late_messages: number;
  messages: number;
  /** Bytes of the payloads sent (encoder output with CHOCO, 4·d raw otherwise), without message headers. */
  payload_bytes: number;
  /** The same payloads in bits as each compressor's paper counts them (32·d per raw message). */
  payload_bits_theoretical: number;
  /** Malformed gossip payloads the peers refused. */
  refused_payloads: number;
}

/** What evaluation needs. `evaluateModels` false skips accuracy (consensus vectors are not models). */
export interface GossipEval {
  readonly model: Model;
  readonly loss: LossKind;
  readonly kernels: Kernels;
  readonly test: TrainingData;
  readonly evaluateModels: boolean;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The metrics of one gossip round: traffic sums over the peers that reported (bytes_up = gossip bytes
 * sent, bytes_down = received, both with headers; payload_bytes = the encoders' output sent), the sample-weighted mean training loss and, when the round carries
 * models, the average model x̄, the consensus error, x̄'s test loss and accuracy and the mean, standard
 * deviation (population, not variance), min and max of the node accuracies. Yields to the event loop
 * between evaluations so that sockets stay serviced. Returns the fields and x̄ (null without models).
 */
export async function gossipRoundMetrics(
  r: GossipRound,
  ev: GossipEval,
): Promise<{ fields: GossipMetrics; average: Float32Array | null }> {
  const reports = r.reports;
  let lossSum = 0;
  let lossWeight = 0;
  for (const x of reports) {
    if (x.trainLoss === null) continue;
    const w = x.samples > 0 ? x.samples : 1;
    lossSum += w * x.trainLoss;
    lossWeight += w;
  }
  const sum = (f: (x: (typeof reports)[number]) => number) => reports.reduce((s, x) => s + f(x), 0);
  const fields: GossipMetrics = {
    train_loss: lossWeight > 0 ? lossSum / lossWeight : null,
    test_loss: null,
    test_accuracy: null,
    bytes_up: sum((x) => x.bytesSent),
    bytes_down: sum((x) => x.bytesReceived),
    participants: reports.length,
    failures: r.lost.length,
    consensus_error: null,
    node_accuracy_mean: null,
    node_accuracy_std: null,
    node_accuracy_min: null,
    node_accuracy_max: null,
    dropped_neighbours: sum((x) => x.dropped),
    late_messages: sum((x) => x.late),
    messages: sum((x) => x.messagesSent),
    payload_bytes: sum((x) => x.payloadBytes),
    payload_bits_theoretical: sum((x) => x.theoreticalBits),
    refused_payloads: sum((x) => x.refused),
  };
  const models = reports.flatMap((x) => (x.model ? [x.model] : []));
  if (models.length === 0 || models.length !== reports.length) return { fields, average: null };
  const average = averageModel(ev.kernels, models);
  fields.consensus_error = consensusError(models, average);
  if (ev.evaluateModels) {
    const e = evaluate(ev.model, ev.loss, ev.kernels, average, ev.test);
    fields.test_loss = e.loss;
    fields.test_accuracy = e.accuracy;
    const accs: number[] = [];
    for (const m of models) {
      await yieldToLoop();
      const a = evaluate(ev.model, ev.loss, ev.kernels, m, ev.test).accuracy;
      if (a !== null) accs.push(a);
    }
    if (accs.length > 0) {
      const mean = accs.reduce((s, a) => s + a, 0) / accs.length;
      fields.node_accuracy_mean = mean;
      fields.node_accuracy_std = Math.sqrt(accs.reduce((s, a) => s + (a - mean) ** 2, 0) / accs.length);
      fields.node_accuracy_min = Math.min(...accs);
      fields.node_accuracy_max = Math.max(...accs);
    }
  }
  return { fields, average };
}
