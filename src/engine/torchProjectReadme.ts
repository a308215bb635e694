// The README.md of an exported PyTorch project (torchProject.ts): what the run is, and how to continue
// it on one process, N processes, a GPU and several machines, and bring it back to SeqLab.

import { ModelConfig, TrainConfig } from './config';

export interface ReadmeFacts {
  label: string; // e.g. "LSTM-128"
  config: ModelConfig;
  level: 'char' | 'word';
  train: TrainConfig;
  step: number;
  fresh: boolean; // the checkpoint had no training state: SeqLab's default training settings
}

export function projectReadme(f: ReadmeFacts): string {
  const c = f.config,
    t = f.train;
  const input = c.input === 'embedding' ? `a learned embedding of size ${c.embedSize}` : 'one-hot vectors';
  const tokens = f.level === 'char' ? 'characters' : 'words (and `<EOS>` at each line end, `<UNK>` for unknown words)';
  const optimizer =
    t.optimizer === 'sgd'
      ? `SGD (momentum ${t.momentum})`
      : { adam: 'Adam', rmsprop: 'RMSprop', adagrad: 'Adagrad' }[t.optimizer];
  return `# ${f.label}: a SeqLab run, continued on PyTorch

This folder was written by \`seqlab export --format torch-project\`. \`train.py\` continues the run
with PyTorch alone (no other Python package): the same model, tokens, batches and updates as SeqLab.

- Model: \`nn.${{ rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' }[c.cell]}\`, ${c.layers} layer(s) of ${c.hidden} units${c.layers > 1 && c.dropout > 0 ? `, dropout ${c.dropout} between them` : ''}, reading ${input}, then \`nn.Linear\` to the ${c.vocabSize} tokens of the vocabulary.
- Tokens: ${tokens}, the vocabulary of the checkpoint in its order (\`initial.safetensors\`, metadata \`vocab\`).
- Batches: B = ${t.batchSize} contiguous streams of the text read side by side, T = ${t.seqLength} tokens at a time; the state a<T> of a window is a<0> of the next, and it is reset when the streams wrap round to their start.
- Updates: ${optimizer}, learning rate ${t.lr}${t.lrDecay !== 1 ? ` × ${t.lrDecay}^⌊step / ${t.lrDecayEvery}⌋` : ''}, ${t.clip > 0 ? `gradients clipped to a global norm of ${t.clip}` : 'no clipping'}; validation every ${t.evalEvery} steps.
- Start: ${f.fresh ? "the weights of the checkpoint, which had no training state: SeqLab's default training settings and a fresh optimizer" : `step ${f.step} of the run, with its optimizer state; on the same text (the same file) the streams carry on where they were, with their state`}.

## Run it

One process (a GPU when PyTorch sees one):

    python train.py --data corpus.txt --steps 1000 --log metrics.jsonl

N processes on this machine (DistributedDataParallel: gloo on CPU, nccl on GPUs; each process reads
B / N of the streams, so N must divide B = ${t.batchSize}; the gradients are averaged, so the updates are
those of one process):

    torchrun --nproc_per_node=2 train.py --data corpus.txt --steps 1000 --log metrics.jsonl

On a machine with G GPUs, one process per GPU:

    torchrun --nproc_per_node=G train.py --data corpus.txt --steps 1000

On several machines (the same folder and text on each; run this on every machine, HOST being the first):

    torchrun --nnodes=2 --nproc_per_node=G --rdzv_id=run1 --rdzv_backend=c10d \\
        --rdzv_endpoint=HOST:29500 train.py --data corpus.txt --steps 1000

(PyTorch 2 also spells these \`--rdzv-id\`, \`--rdzv-backend\`, \`--rdzv-endpoint\`.)

| option | meaning |
|---|---|
| \`--data FILE\` | the training text (UTF-8) |
| \`--val FILE\` | validation text; without it, the last ${t.valFraction} of \`--data\` is held out, as in SeqLab |
| \`--steps S\`, \`--seconds T\` | the budget: updates to make, or seconds of training |
| \`--init FILE\` | the checkpoint to start from (\`initial.safetensors\`; give \`checkpoint.safetensors\` to continue) |
| \`--out FILE\` | the checkpoint to write (\`checkpoint.safetensors\` here), every ${t.evalEvery} steps and at the end |
| \`--log FILE\` | one JSON line per step: \`{"step", "loss", "val_loss", "chars_per_sec"}\` (\`val_loss\` null between validations) |
| \`--eval FILE\` | print \`{"loss", "tokens"}\` of the \`--init\` checkpoint on FILE, as \`seqlab eval\` computes it, and exit |

The first process prints a JSON summary at the end and writes the checkpoints, atomically (a
temporary file, then a rename). A checkpoint is a safetensors file: the \`state_dict\` of
\`embed\`/\`rnn\`/\`head\`, the optimizer's state (\`optimizer.<slot>.<parameter>\`), the carried state
(\`state.h\`, \`state.c\`: [layers, B, H]) and, as metadata, the vocabulary, the configuration and the step.

## Bring it back

    seqlab import checkpoint.safetensors --out model.safetensors
    seqlab sample model.safetensors --length 300

The imported checkpoint samples, evaluates and diagnoses like any SeqLab model, and \`seqlab train
--resume\` continues it.

## What differs from SeqLab

The numbers agree to float rounding, but dropout masks and a random a<0> (\`initState\` random) come
from PyTorch's generator, not SeqLab's${f.level === 'word' ? "; words are split with Python's Unicode tables, which can differ from JavaScript's on rare characters" : ''}.
`;
}
