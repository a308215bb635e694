// The exported PyTorch project run by PyTorch (Debian's python3-torch on CPU): its first steps are
// SeqLab's continuing the same run (the same losses, so the same model, tokens, streams, carried
// state, optimizer moments, clipping and schedule); torchrun with 2 processes (gloo) makes the same
// steps as one process, lowers the loss and writes a checkpoint; seqlab import brings it back, and
// seqlab eval gives PyTorch's loss of it. The refusals and the layout: test/unit/torch-import.test.ts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, seqlab } from '../helpers/cli';
import { smallText } from '../helpers/texts';
import { TOL } from '../helpers/torchOracle';

const PYTHON = '/usr/bin/python3',
  TORCHRUN = '/usr/bin/torchrun';

/** Runs a command to the end; its stdout (a failure throws with its stderr). */
function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

/** The values of `key` on the step lines of a JSON-lines log (SeqLab's diagnostics snapshots left out). */
function logged(file: string, key: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => typeof l.step === 'number')
    .map((l) => l[key]);
}

function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) / Math.abs(expected[i]) <= TOL, `${what} ${i + 1}: ${a} vs ${expected[i]}`),
  );
}

describe('the exported PyTorch project, run by PyTorch', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-torch-project-'));
  const text = join(dir, 'text.txt');

  before(() => {
    try {
      execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch: install it with "apt-get install -y python3-torch" (.ci/run does)`,
      );
    }
    writeFileSync(text, smallText(12000));
  });

  const small = ['--seq-len', '16', '--batch', '4', '--eval-every', '7', '--steps', '4'];
  for (const [i, [title, options, clips]] of (
    [
      [
        'a char LSTM of 2 layers, Adam, lr decay, clipping',
        [
          '--cell',
          'lstm',
          '--hidden',
          '24',
          '--layers',
          '2',
          '--lr-decay',
          '0.8',
          '--lr-decay-every',
          '2',
          '--clip',
          '0.3',
        ],
        true,
      ],
      [
        'a GRU with an embedding, SGD with momentum',
        ['--cell', 'gru', '--hidden', '16', '--embedding', '8', '--optimizer', 'sgd', '--lr', '0.5'],
        false,
      ],
      [
        'a word-level RNN with an embedding, RMSprop',
        [
          '--cell',
          'rnn',
          '--hidden',
          '16',
          '--embedding',
          '8',
          '--level',
          'word',
          '--min-count',
          '1',
          '--optimizer',
          'rmsprop',
        ],
        false,
      ],
    ] as [string, string[], boolean][]
  ).entries()) {
    it(`${title}: the project's first steps have SeqLab's losses continuing the same run (≤ 1e-4)`, () => {
      const ckpt = join(dir, `case${i}.safetensors`),
        project = join(dir, `project${i}`);
      lastJson(seqlab('train', text, ...small, ...options, '--out', ckpt));
      lastJson(seqlab('export', ckpt, '--format', 'torch-project', '--out', project));
      const torchLog = join(dir, `torch${i}.jsonl`),
        seqlabLog = join(dir, `seqlab${i}.jsonl`);
      run(PYTHON, [join(project, 'train.py'), '--data', text, '--steps', '3', '--log', torchLog]);
      const cont = ['--resume', ckpt, '--steps', '3', '--out', join(dir, `continued${i}.safetensors`)];
      lastJson(seqlab('train', text, ...cont, '--log', seqlabLog));
      assertClose(logged(torchLog, 'loss'), logged(seqlabLog, 'loss'), 'loss at step');
      // step 7 is the last and a validation step (--eval-every 7) in both
      assertClose([logged(torchLog, 'val_loss')[2]], [logged(seqlabLog, 'valLoss')[2]], 'validation loss');
      if (clips) assert.ok(logged(seqlabLog, 'clipped').some(Boolean), 'the case clips its gradients');
    });
  }

  describe('torchrun with 2 processes, then back to SeqLab', () => {
    const ckpt = join(dir, 'small.safetensors'),
      project = join(dir, 'project'),
      two = join(project, 'two.safetensors');
    const steps = 30;
    before(() => {
      const options = ['--cell', 'lstm', '--hidden', '32', '--seq-len', '16', '--batch', '8', '--lr', '0.01'];
      lastJson(seqlab('train', text, ...options, '--eval-every', '10', '--steps', '2', '--out', ckpt));
      lastJson(seqlab('export', ckpt, '--format', 'torch-project', '--out', project));
    });

    it(`runs ${steps} steps (gloo on CPU), writes a checkpoint, lowers the loss, and makes one process's steps`, () => {
      const twoLog = join(dir, 'two.jsonl'),
        oneLog = join(dir, 'one.jsonl');
      const args = [join(project, 'train.py'), '--data', text, '--steps', String(steps)];
      // --redirects 2 --tee 2: Debian's torchrun 1.13 under Python 3.11 cannot read its default "0" (an
      // IntFlag's zero is not iterated there); stderr redirected and copied back leaves the output as it is.
      const summary = run(TORCHRUN, [
        '--redirects',
        '2',
        '--tee',
        '2',
        '--nproc_per_node=2',
        ...args,
        '--log',
        twoLog,
        '--out',
        two,
      ]);
      assert.deepEqual(Object.keys(JSON.parse(summary)), ['steps', 'loss', 'val_loss', 'chars_per_sec', 'checkpoint']);
      assert.equal(JSON.parse(summary).steps, 2 + steps);
      run(PYTHON, [...args, '--log', oneLog, '--out', join(project, 'one.safetensors')]);
      const losses = logged(twoLog, 'loss');
      assert.deepEqual(
        logged(twoLog, 'step'),
        Array.from({ length: steps }, (_, i) => 3 + i),
      );
      const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
      assert.ok(last < losses[0] - 0.2, `the loss goes down: ${losses[0]} at first, ${last} over the last 5 steps`);
      assertClose(losses, logged(oneLog, 'loss'), '2 processes vs 1: loss at step');
      // step 10 (the 8th logged) validates, as SeqLab's --eval-every 10
      assert.ok(logged(twoLog, 'val_loss')[7] > 0 && logged(twoLog, 'val_loss')[6] === null);
    });

    it("seqlab import brings the checkpoint back: seqlab eval gives PyTorch's loss of it on the same text (≤ 1e-4), and it samples", () => {
      const back = join(dir, 'back.safetensors');
      assert.deepEqual(lastJson(seqlab('import', two, '--out', back)), {
        imported: back,
        model: 'LSTM-32',
        step: 2 + steps,
      });
      const ours = lastJson(seqlab('eval', back, text)) as { loss: number; chars: number };
      const theirs = JSON.parse(run(PYTHON, [join(project, 'train.py'), '--init', two, '--eval', text]));
      assert.equal(theirs.tokens, ours.chars);
      assertClose([ours.loss], [theirs.loss], 'eval loss');
      const sampled = seqlab('sample', back, '--length', '40', '--seed', '3');
      assert.equal(sampled.code, 0, sampled.err);
      assert.ok(sampled.out.length > 40);
    });
  });
});
