// The bench's PyTorch peer scores validation as `seqlab eval` scores SeqLab (one stream from a zero
// state, every predicted char counted): its scorer, given SeqLab's own model exported with
// `seqlab export --format torch`, gives `seqlab eval`'s loss on the same text (≤ 1e-4 relative),
// one-hot and embedding input, over more chars than one of its chunks (so the carried state counts).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, seqlab } from '../helpers/cli';
import { REPO, smallText } from '../helpers/texts';
import { TOL } from '../helpers/torchOracle';

const PYTHON = '/usr/bin/python3',
  PEER = join(REPO, 'bench', 'peers', 'torch_peer.py');

describe('bench: the PyTorch peer scores validation as `seqlab eval` does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-bench-scorer-'));
  const train = join(dir, 'train.txt'),
    text = join(dir, 'val.txt');
  writeFileSync(train, smallText(6000));
  writeFileSync(text, smallText(9000).slice(6000, 9000)); // 3000 chars: about three of the scorer's 1024-char chunks

  const cases = [
    { title: 'LSTM, one-hot input', args: ['--cell', 'lstm', '--hidden', '24'] },
    { title: 'GRU, embedding input', args: ['--cell', 'gru', '--hidden', '20', '--embedding', '8'] },
  ];
  cases.forEach((c, i) => {
    it(`${c.title}: the same loss over the same number of chars`, () => {
      const ckpt = join(dir, `m${i}.safetensors`),
        exported = join(dir, `m${i}.torch.safetensors`);
      lastJson(seqlab('train', train, ...c.args, '--steps', '20', '--seq-len', '32', '--batch', '4', '--out', ckpt));
      lastJson(seqlab('export', ckpt, '--format', 'torch', '--out', exported));
      const ours = lastJson(seqlab('eval', ckpt, text));
      const theirs = JSON.parse(
        execFileSync(PYTHON, [PEER, '--score', exported, '--text', text], { encoding: 'utf8' }).trim(),
      ) as { loss: number; chars: number };
      assert.equal(theirs.chars, ours.chars);
      assert.equal(theirs.chars, 2999);
      const loss = ours.loss as number;
      assert.ok(Math.abs(theirs.loss - loss) / loss < TOL, `torch peer ${theirs.loss} vs seqlab eval ${loss}`);
    });
  });
});
