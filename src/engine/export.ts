// Export for PyTorch: a safetensors file whose keys are the state_dict of
//   embed = nn.Embedding(V, E)                       (embedding input only)
//   rnn   = nn.RNN|GRU|LSTM(In, H, num_layers, batch_first=True, bidirectional)
//   head  = nn.Linear(D·H, C)                       (C = classes: V, or the tags / labels)
// With one-hot input, rnn.weight_ih_l0 is [G·H, V]: feed F.one_hot(x, V).float(). A tagger's or
// classifier's metadata says its task, its labels (the head's outputs, in order) and, for a
// classifier, the read-out: "last" = out[:, -1] (bidirectional: out[:, -1, :H] ‖ out[:, 0, H:]),
// "mean" = out.mean(dim=1). A conditional model adds cond.embed.weight [L, H] and, per layer l,
// cond.weight_l{l} [H, H], cond.bias_l{l} [H]: h0[l] = tanh(cond.weight_l{l} @ v + cond.bias_l{l}) with
// v = cond.embed.weight[label] (conditional/conditionalNetwork.ts), and input 0 at the first step.
// "config" (SeqLab's model configuration) and "tokenizer" ({level, lowercase}) let seqlab import read
// the file back exactly (torchImport.ts).

import { Model } from './checkpoint';
import { SeqLabError } from './errors';
import { encodeSafetensors, NamedTensor, writeFileAtomic } from './safetensors';

/** The tensors and metadata of a model's export; a SeqLabError for a model PyTorch cannot express. */
export function torchExportParts(model: Model): {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
} {
  const c = model.config;
  if (c.cell === 'gru' && c.gruForm === 'course') {
    throw new SeqLabError(
      'this model uses the course GRU (reset gate before the recurrent product); PyTorch has no such cell, so it cannot be exported. Train with --gru-form torch to export.',
    );
  }
  if (c.peephole) {
    throw new SeqLabError(
      'this model is an LSTM with peephole connections; PyTorch has no peephole LSTM (nn.LSTM has no weights from c<t> to its gates), so it cannot be exported. Train without --peephole to export.',
    );
  }
  const tensors = new Map<string, NamedTensor>();
  for (const s of model.params.specs) tensors.set(s.name, { shape: s.shape, data: model.params.value(s.name) });
  const metadata: Record<string, string> = {
    format: 'pt',
    vocab: JSON.stringify(model.tokenizer.spec.vocab),
    input: c.input,
    task: c.task,
    ...(c.task === 'classify' ? { pool: c.pool } : {}),
    ...(model.labels ? { labels: JSON.stringify(model.labels) } : {}),
    module: JSON.stringify({
      rnn: {
        class: { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' }[c.cell],
        hidden_size: c.hidden,
        num_layers: c.layers,
        bidirectional: c.bidirectional,
        batch_first: true,
      },
      embed: c.input === 'embedding' ? { num_embeddings: c.vocabSize, embedding_dim: c.embedSize } : null,
      head: { in_features: (c.bidirectional ? 2 : 1) * c.hidden, out_features: c.classes },
    }),
    config: JSON.stringify(c),
    tokenizer: JSON.stringify({ level: model.tokenizer.spec.level, lowercase: model.tokenizer.spec.lowercase }),
  };
  return { tensors, metadata };
}

export function encodeTorchExport(model: Model): Uint8Array {
  const { tensors, metadata } = torchExportParts(model);
  return encodeSafetensors(tensors, metadata);
}

export function exportTorch(model: Model, path: string): void {
  writeFileAtomic(path, encodeTorchExport(model));
}
