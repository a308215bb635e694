// The CLI as a user meets it: every bad input gets one clear line and a non-zero exit, and no
// partial checkpoint is ever left behind.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../../src/engine/checkpoint';
import { Verb, verbOptions } from '../../src/engine/options';
import { jsBackend } from '../../src/engine/reference';
import { parseDiagnosticsReport } from '../../src/protocol/reports';
import { HAND_SET_GATES, HAND_SET_TEXT, handSetModel } from '../helpers/handSet';
import { automaticThreads } from '../../src/engine/defaultBackend';
import { seqlab, seqlabWithEnv } from '../helpers/cli';
import { smallText } from '../helpers/texts';

describe('seqlab CLI', function () {
  const dir = mkdtempSync(join(tmpdir(), 'seqlab-cli-'));
  const text = join(dir, 'text.txt');
  const ckpt = join(dir, 'model.safetensors');
  const small = ['--hidden', '16', '--seq-len', '16', '--batch', '4', '--steps', '20', '--eval-every', '10'];

  before(() => {
    writeFileSync(text, smallText());
    const r = seqlab('train', text, ...small, '--out', ckpt, '--log', join(dir, 'log.jsonl'));
    assert.equal(r.code, 0, r.err);
  });

  /** One line on stderr, prefixed, and no leftover temporary files in the folder. */
  function assertCleanFailure(r: ReturnType<typeof seqlab>, pattern: RegExp, code = 1) {
    assert.equal(r.code, code, `exit code (stderr: ${r.err})`);
    assert.match(r.err, pattern);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /, 'no stack trace');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp-')),
      [],
    );
  }

  const logLines = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

  it('train writes a checkpoint, a JSON summary and JSON-lines metrics', () => {
    const lines = logLines(join(dir, 'log.jsonl')).filter((l) => !('snapshot' in l));
    assert.equal(lines.length, 21);
    assert.equal(lines[19].step, 20);
    assert.ok(lines[9].valLoss > 0 && lines[8].valLoss === null);
    assert.equal(lines[20].final, true);
    // validation time so far: none before the first pass (step 10), then growing, never past the elapsed time
    assert.equal(lines[8].validationSeconds, 0);
    assert.ok(lines[9].validationSeconds > 0 && lines[9].validationSeconds <= lines[10].elapsedSeconds);
    assert.ok(lines[20].validationSeconds >= lines[19].validationSeconds);
    assert.ok(existsSync(ckpt));
  });

  it('train --log writes a diagnostics snapshot before each validation step; --no-snapshots leaves them out', () => {
    const lines = logLines(join(dir, 'log.jsonl'));
    const at = lines.flatMap((l, i) => ('snapshot' in l ? [i] : []));
    assert.deepEqual(
      at.map((i) => [lines[i].snapshot.step, lines[i + 1].step, lines[i + 1].valLoss !== null]),
      [
        [10, 10, true],
        [20, 20, true],
      ],
    );
    const s = lines[at[0]].snapshot;
    assert.equal(s.steps, 16, 'T = the smaller of 50 and --seq-len');
    assert.equal(s.gradNorms.length, 1);
    assert.equal(s.gradNorms[0].length, 16);
    assert.deepEqual(
      s.gates.map((g: { gate: string }) => g.gate),
      ['Γu', 'Γf', 'c̃', 'Γo'],
    );
    assert.ok(Number.isFinite(s.seconds));

    const off = join(dir, 'log-off.jsonl');
    const r = seqlab('train', text, ...small, '--out', join(dir, 'off.safetensors'), '--log', off, '--no-snapshots');
    assert.equal(r.code, 0, r.err);
    const plain = logLines(off);
    assert.equal(plain.length, 21);
    assert.ok(plain.every((l) => !('snapshot' in l)));
    assert.deepEqual(readFileSync(join(dir, 'off.safetensors')), readFileSync(ckpt), 'the same training, bit for bit');
  });

  it('sample prints the primer and the requested number of characters, reproducibly', () => {
    const a = seqlab('sample', ckpt, '--prime', 'the ', '--length', '50', '--seed', '3');
    assert.equal(a.code, 0, a.err);
    assert.ok(a.out.startsWith('the '));
    assert.equal(Array.from(a.out.replace(/\n$/, '')).length, 54);
    assert.equal(seqlab('sample', ckpt, '--prime', 'the ', '--length', '50', '--seed', '3').out, a.out);
  });

  it('eval prints loss, perplexity and the count of predicted chars as JSON', () => {
    const r = seqlab('eval', ckpt, text);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    // An untrained model predicts about uniformly: loss ≈ ln(vocabulary size). 20 steps take it well below.
    const vocabulary = new Set(smallText()).size;
    assert.ok(j.loss > 0 && j.loss < Math.log(vocabulary) - 0.1, `loss ${j.loss} is not below ln(${vocabulary}) - 0.1`);
    assert.ok(Math.abs(j.perplexity - Math.exp(j.loss)) < 1e-9);
    assert.deepEqual(Object.keys(j), ['loss', 'perplexity', 'chars']);
    assert.equal(j.chars, smallText().length - 1);
  });

  it('diagnose prints per-step gradient norms, gate saturation and parameter norms (and JSON)', () => {
    const r = seqlab('diagnose', ckpt, text, '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.gradNorms[0].length, 50);
    assert.deepEqual(
      j.gates.map((g: { gate: string }) => g.gate),
      ['Γu', 'Γf', 'c̃', 'Γo'],
    );
    assert.ok(j.paramGradNorms.every((p: { norm: number }) => p.norm > 0));
    assert.match(seqlab('diagnose', ckpt, text).out, /‖∂L<T>\/∂a<t>‖/);
  });

  describe('diagnose --json shows each gate in the course’s terms (checkpoints with hand-set biases)', () => {
    for (const h of HAND_SET_GATES) {
      it(h.title, () => {
        const file = join(dir, `hand-set-${h.model.cell}-${h.model.gruForm}-${h.block}-${h.bias}.safetensors`);
        saveCheckpoint(file, { model: handSetModel(h), training: null });
        const handSetText = join(dir, 'hand-set.txt');
        writeFileSync(handSetText, HAND_SET_TEXT);
        const r = seqlab('diagnose', file, handSetText, '--json', '--steps', '20');
        assert.equal(r.code, 0, r.err);
        const report = parseDiagnosticsReport(JSON.parse(r.out), '');
        const g = report.gates.find((x) => x.gate === h.gate)!;
        assert.deepEqual(g.range, h.range);
        assert.ok(g[h.end] > 0.999, `${h.gate}: ${JSON.stringify(g)}`);
        assert.equal(report.cellGradNorms !== undefined, h.model.cell === 'lstm');
        if (h.model.cell !== 'lstm') return;
        assert.equal(report.cellGradNorms![0].length, 20);
        const textOut = seqlab('diagnose', file, handSetText, '--steps', '20').out;
        assert.match(textOut, /layer 0 ‖∂L<T>\/∂a<t>‖ \(hidden state\): t=20: /);
        assert.match(textOut, /layer 0 ‖∂L<T>\/∂c<t>‖ \(memory cell\): t=20: /);
        assert.match(
          textOut,
          new RegExp(`layer 0 ${h.gate}: [0-9.]+% near ${h.range[0]} \\| [0-9.]+% near ${h.range[1]}`),
        );
      });
    }
  });

  it('export --format torch writes PyTorch names; a course-form GRU is refused', () => {
    const out = join(dir, 'torch.safetensors');
    assert.equal(seqlab('export', ckpt, '--format', 'torch', '--out', out).code, 0);
    const bytes = readFileSync(out);
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
    assert.deepEqual(header['rnn.weight_ih_l0'].shape, [64, JSON.parse(header.__metadata__.vocab).length]);
    assert.equal(header.__metadata__.input, 'onehot');
    const course = join(dir, 'course.safetensors');
    assert.equal(
      seqlab('train', text, ...small, '--cell', 'gru', '--gru-form', 'course', '--steps', '2', '--out', course).code,
      0,
    );
    assertCleanFailure(
      seqlab('export', course, '--format', 'torch', '--out', join(dir, 'x.safetensors')),
      /course GRU.*cannot be exported/,
    );
    assert.ok(!existsSync(join(dir, 'x.safetensors')));
  });

  it('threads: automatic (physical cores, at most 8), SEQLAB_THREADS, --threads over both; a bad SEQLAB_THREADS is refused', () => {
    const header = (env: Record<string, string>, ...args: string[]) => {
      const r = seqlabWithEnv(
        env,
        'train',
        text,
        ...small,
        '--steps',
        '1',
        '--out',
        join(dir, 'threads.safetensors'),
        ...args,
      );
      assert.equal(r.code, 0, r.err);
      return r.err.split('\n')[0];
    };
    const auto = automaticThreads();
    assert.ok(auto >= 1 && auto <= 8, `automatic: ${auto}`);
    assert.match(header({}), auto > 1 ? new RegExp(`backend wasm-simd, ${auto} threads$`) : /backend wasm-simd$/);
    assert.match(header({ SEQLAB_THREADS: '3' }), /backend wasm-simd, 3 threads$/);
    assert.match(header({ SEQLAB_THREADS: '3' }, '--threads', '1'), /backend wasm-simd$/);
    assert.match(header({ SEQLAB_THREADS: '0' }, '--threads', '5'), /backend wasm-simd, 5 threads$/);
    assertCleanFailure(
      seqlabWithEnv({ SEQLAB_THREADS: 'abc' }, 'train', text, ...small, '--out', join(dir, 'never.safetensors')),
      /SEQLAB_THREADS must be a whole number from 0 to 16 \(got "abc"\)/,
    );
    assert.ok(!existsSync(join(dir, 'never.safetensors')));
  });

  it('--peephole trains a peephole LSTM that diagnose reads and export refuses; with a GRU it is refused', () => {
    const peep = join(dir, 'peephole.safetensors');
    const r = seqlab('train', text, ...small, '--peephole', '--steps', '2', '--out', peep);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^seqlab: LSTM \(peephole\)-16, /);
    if (/backend wasm-simd/.test(r.err)) {
      assert.match(r.err, /wasm-simd runs in TypeScript: .*lstmPeephole\.forward, lstmPeephole\.backward/);
    }
    const d = seqlab('diagnose', peep, text, '--json');
    assert.equal(d.code, 0, d.err);
    const j = JSON.parse(d.out);
    assert.equal(j.label, 'LSTM (peephole)-16');
    assert.deepEqual(
      j.gates.map((g: { gate: string }) => g.gate),
      ['Γu', 'Γf', 'c̃', 'Γo'],
    );
    assertCleanFailure(
      seqlab('export', peep, '--format', 'torch', '--out', join(dir, 'p.safetensors')),
      /PyTorch has no peephole LSTM.*Train without --peephole to export/,
    );
    assert.ok(!existsSync(join(dir, 'p.safetensors')));
    assertCleanFailure(
      seqlab('train', text, ...small, '--cell', 'gru', '--peephole', '--out', join(dir, 'g.safetensors')),
      /peephole connections are an LSTM option, and this model's cell is gru/,
    );
    assert.ok(!existsSync(join(dir, 'g.safetensors')));
  });

  it('--embedding N trains on a learned embedding of size N; --embedding 0 is one-hot input', () => {
    for (const [size, input] of [
      [8, 'embedding'],
      [0, 'onehot'],
    ] as const) {
      const out = join(dir, `embedding-${size}.safetensors`);
      const r = seqlab('train', text, ...small, '--steps', '2', '--embedding', String(size), '--out', out);
      assert.equal(r.code, 0, r.err);
      const { config } = loadCheckpoint(out, jsBackend('f32')).model;
      assert.deepEqual([config.input, config.embedSize], [input, size]);
    }
  });

  it('empty, binary and missing files', () => {
    writeFileSync(join(dir, 'empty.txt'), '');
    assertCleanFailure(seqlab('train', join(dir, 'empty.txt'), ...small), /empty\.txt is empty/);
    writeFileSync(join(dir, 'blob.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    assertCleanFailure(seqlab('train', join(dir, 'blob.bin'), ...small), /NUL character at line 1, column 5/);
    assertCleanFailure(seqlab('train', join(dir, 'nope.txt'), ...small), /no such file/);
    assertCleanFailure(seqlab('sample', join(dir, 'nope.safetensors')), /no such file/);
  });

  it('a one-token vocabulary and invalid options', () => {
    writeFileSync(join(dir, 'aaaa.txt'), 'a'.repeat(5000));
    assertCleanFailure(seqlab('train', join(dir, 'aaaa.txt'), ...small), /vocabulary of 1 token/);
    assertCleanFailure(
      seqlab('train', text, ...small, '--seq-len', '4000'),
      /fewer than batchSize × \(seqLength \+ 1\)/,
    );
    assertCleanFailure(seqlab('train', text, '--hidden', 'many'), /--hidden expects a number/, 2);
    assertCleanFailure(seqlab('train', text, '--colour', 'red'), /Unknown option '--colour'/, 2);
  });

  it('an invalid flag value: one line naming the flag and the values it allows', () => {
    const cases: [string[], string][] = [
      [['train', text, ...small, '--hidden', '0'], '--hidden must be a whole number from 1 to 4096 (got 0)'],
      [['train', text, ...small, '--lr=-0.1'], '--lr must be a number > 0 (got -0.1)'],
      [['train', text, ...small, '--seq-len', '1e5'], '--seq-len must be a whole number from 1 to 4096 (got 100000)'],
      [['train', text, ...small, '--dropout', '1'], '--dropout must be a number in [0, 1) (got 1)'],
      [['train', text, ...small, '--cell', 'transformer'], '--cell must be rnn, gru or lstm (got "transformer")'],
      [['train', text, ...small, '--threads', '17'], '--threads must be a whole number from 0 to 16 (got 17)'],
      [['sample', ckpt, '--temperature', '0'], '--temperature must be a number in (0, 5] (got 0)'],
      [['diagnose', ckpt, text, '--steps', '0'], '--steps must be a whole number from 1 to 4096 (got 0)'],
    ];
    for (const [args, message] of cases) {
      const r = seqlab(...args);
      assertCleanFailure(r, /./, 1);
      assert.equal(r.err, `seqlab: error: ${message}\n`);
      assert.equal(r.err.trimEnd().split('\n').length, 1, `one line: ${r.err}`);
    }
  });

  it('lab prints one JSON array of {cell, gap, accuracy}, or the table of cells × gaps; bad lists name their flag', () => {
    const budget = ['--steps', '5', '--hidden', '8', '--batch', '4'];
    const json = seqlab('lab', '--cells', 'rnn,lstm', '--gaps', '3,2', ...budget, '--json');
    assert.equal(json.code, 0, json.err);
    const results = JSON.parse(json.out) as { cell: string; gap: number; accuracy: number }[];
    assert.deepEqual(
      results.map((r) => [Object.keys(r), r.cell, r.gap]),
      [
        [['cell', 'gap', 'accuracy'], 'rnn', 2],
        [['cell', 'gap', 'accuracy'], 'lstm', 2],
        [['cell', 'gap', 'accuracy'], 'rnn', 3],
        [['cell', 'gap', 'accuracy'], 'lstm', 3],
      ],
    );
    for (const r of results) assert.ok(r.accuracy >= 0 && r.accuracy <= 1, `${r.accuracy}`);
    assert.match(json.err, /^RNN-8 N = 2: \d+\.\d% \(/m, 'each result on stderr as it is scored');

    const table = seqlab('lab', '--cells', 'rnn,lstm', '--gaps', '3,2', ...budget);
    assert.equal(table.code, 0, table.err);
    const rows = table.out.trimEnd().split('\n');
    assert.deepEqual(rows[0].split(/ +/), ['gap', 'N', '2', '3']);
    const percent = (r: { accuracy: number }) => `${(r.accuracy * 100).toFixed(1)}%`;
    assert.deepEqual(rows[1].split(/ +/), ['RNN-8', percent(results[0]), percent(results[2])]);
    assert.deepEqual(rows[2].split(/ +/), ['LSTM-8', percent(results[1]), percent(results[3])]);

    assertCleanFailure(seqlab('lab', '--cells', 'rnn,cnn'), /^seqlab: error: --cells must be .*"rnn,cnn"/);
    assertCleanFailure(seqlab('lab', '--gaps', '5,0'), /^seqlab: error: --gaps must be .* from 1 to 1000/);
    assertCleanFailure(seqlab('lab', 'extra'), /^seqlab: expected no arguments, got extra/, 2);
  });

  it('--threads N runs the same computation on N threads', () => {
    const one = seqlab('sample', ckpt, '--length', '40', '--threads', '1');
    assert.equal(one.code, 0, one.err);
    assert.equal(seqlab('sample', ckpt, '--length', '40', '--threads', '2').out, one.out);
    assert.equal(seqlab('eval', ckpt, text, '--threads', '1').out, seqlab('eval', ckpt, text).out);
  });

  describe('--help prints the options of each verb from the schema', () => {
    it('seqlab --help lists the verbs and how to get their options', () => {
      const r = seqlab('--help');
      assert.equal(r.code, 0, r.err);
      for (const verb of ['train', 'sample', 'eval', 'diagnose', 'export', 'lab', 'sweep']) {
        assert.match(r.out, new RegExp(`^  seqlab ${verb} `, 'm'));
      }
      assert.match(r.out, /seqlab VERB --help/);
    });

    it('seqlab train --help shows each flag with its default and range', () => {
      const r = seqlab('train', '--help');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^Usage: seqlab train FILE \[options\]$/m);
      assert.match(r.out, /^ {2}--hidden N +Hidden units per layer \(the size of a<t>\)\.\n +default: 128; /m);
      assert.match(r.out, /\n +default: 128; a whole number from 1 to 4096\n/);
      assert.match(r.out, /^ {2}--cell rnn\|gru\|lstm +Recurrent cell of new models\.\n +default: lstm$/m);
      assert.match(r.out, /^ {2}--threads N .*\n +default: 0; a whole number from 0 to 16$/m);
    });

    for (const verb of [
      'train',
      'sample',
      'eval',
      'diagnose',
      'export',
      'lab',
      'surprise',
      'neurons',
      'sweep',
    ] as Verb[]) {
      it(`seqlab ${verb} --help names every option of the verb with its default`, () => {
        const r = seqlab(verb, '--help');
        assert.equal(r.code, 0, r.err);
        const options = verbOptions(verb);
        assert.ok(options.length > 0);
        const lines = r.out.split('\n');
        for (const [, o] of options) {
          const at = lines.findIndex((l) => l.startsWith(`  --${o.flag} `));
          assert.ok(at >= 0 && lines[at].includes(o.help), `${verb} --help lacks --${o.flag} with its help`);
          const shown = 'whenAbsent' in o && o.whenAbsent ? o.whenAbsent : o.default;
          if (o.kind !== 'switch' && shown !== undefined) {
            const next = lines[at + 1].trim();
            assert.ok(next.startsWith(`default: ${shown}`), `--${o.flag}: "${next}" lacks default ${shown}`);
          }
        }
      });
    }

    it('a missing required flag names it', () => {
      assertCleanFailure(
        seqlab('export', ckpt, '--out', join(dir, 'y.safetensors')),
        /--format torch\|torch-project is required/,
        2,
      );
    });
  });

  it('NaN loss from a huge learning rate: clear message, the last good checkpoint kept', () => {
    const out = join(dir, 'diverge.safetensors');
    const r = seqlab(
      'train',
      text,
      '--cell',
      'rnn',
      '--hidden',
      '16',
      '--seq-len',
      '16',
      '--batch',
      '4',
      '--optimizer',
      'sgd',
      '--lr',
      '1e4',
      '--clip',
      '0',
      '--steps',
      '200',
      '--eval-every',
      '1',
      '--out',
      out,
    );
    assertCleanFailure(
      r,
      /diverged at step (\d+).*(last good checkpoint \(step \d+\) is kept|No checkpoint was written)/,
    );
    if (/kept/.test(r.err)) assert.equal(seqlab('sample', out, '--length', '5').code, 0, 'the kept checkpoint loads');
  });

  describe('damaged checkpoints are refused with one clear error', () => {
    const good = () => readFileSync(ckpt);
    const cases: [string, () => Buffer, RegExp][] = [
      ['truncated to 5 bytes', () => good().subarray(0, 5), /too short/],
      [
        'truncated in the tensor data',
        () => good().subarray(0, good().length - 100),
        /past the end of the file \(truncated\?\)/,
      ],
      [
        'random bytes',
        () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
        /not a valid SeqLab checkpoint/,
      ],
      [
        'a header claiming gigabytes',
        () => {
          const b = Buffer.from(good());
          b.writeBigUInt64LE(8n * 1024n ** 3n, 0);
          return b;
        },
        /header claims \d+ bytes/,
      ],
      [
        'a tensor of the wrong shape',
        () => reshape(good(), 'rnn.weight_hh_l0', [16, 64]),
        /has shape \[16,64\] but the config needs \[64,16\]/,
      ],
      [
        'a corrupted header',
        () => {
          const b = Buffer.from(good());
          b.fill(0x7b, 8, 40);
          return b;
        },
        /header is not valid JSON/,
      ],
    ];
    for (const [name, make, pattern] of cases) {
      it(name, () => {
        const bad = join(dir, 'bad.safetensors');
        writeFileSync(bad, make());
        assertCleanFailure(seqlab('sample', bad), pattern);
        assertCleanFailure(seqlab('train', text, ...small, '--resume', bad), pattern);
      });
    }
  });

  it('resume with a different vocabulary is refused and leaves the checkpoint untouched', () => {
    const other = join(dir, 'other.txt');
    writeFileSync(other, smallText().toUpperCase());
    const before = readFileSync(ckpt);
    assertCleanFailure(
      seqlab('train', other, ...small, '--resume', ckpt),
      /cannot resume: the text uses \d+ character/,
    );
    assert.deepEqual(readFileSync(ckpt), before);
  });
});

/** Rewrites one tensor's shape in a safetensors header (same byte count, so offsets stay valid). */
function reshape(bytes: Buffer, name: string, shape: number[]): Buffer {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
  header[name].shape = shape;
  let json = JSON.stringify(header);
  json = json.padEnd(n, ' ');
  if (json.length !== n) throw new Error('header grew');
  return Buffer.concat([bytes.subarray(0, 8), Buffer.from(json), bytes.subarray(8 + n)]);
}
