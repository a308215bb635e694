// The pure parts of a sweep (engine/sweep.ts): reading `KEY=V1,V2` and `KEY=LO:HI` against the option
// schema, the grid, the seeded random draws, and the result files' rows.

import assert from 'node:assert/strict';
import { SeqLabError } from '../../src/engine/errors';
import {
  bestRun,
  MAX_SWEEP_RUNS,
  parseSweepSetting,
  parseSweepSettings,
  sweepCsv,
  sweepGrid,
  sweepPoints,
  sweepRandom,
  SweepResult,
  sweptConfig,
  SweepUsageError,
} from '../../src/engine/sweep';
import { defaultModelConfig, defaultTrainConfig } from '../../src/engine/config';

describe('sweep settings', () => {
  const list = (typed: string) => {
    const a = parseSweepSetting(typed);
    assert.ok('values' in a, typed);
    return a.values;
  };
  const logScale = (typed: string) => {
    const a = parseSweepSetting(typed);
    assert.ok('range' in a, typed);
    return a.log;
  };

  it('reads a list of values by the flag, typed by the schema', () => {
    assert.deepEqual(parseSweepSetting('hidden=64,128'), { key: 'hidden', flag: 'hidden', values: [64, 128] });
    assert.deepEqual(parseSweepSetting('seq-len=16, 32'), { key: 'seqLength', flag: 'seq-len', values: [16, 32] });
    assert.deepEqual(parseSweepSetting('cell=rnn,gru'), { key: 'cell', flag: 'cell', values: ['rnn', 'gru'] });
    assert.deepEqual(list('peephole=true,false'), [true, false]);
    assert.deepEqual(list('lr=1e-3,3e-3'), [0.001, 0.003]);
  });

  it('reads a range; log scale when 0 < LO and HI ≥ 10·LO', () => {
    assert.deepEqual(parseSweepSetting('lr=1e-4:1e-2'), { key: 'lr', flag: 'lr', range: [1e-4, 1e-2], log: true });
    assert.deepEqual(parseSweepSetting('dropout=0:0.5'), {
      key: 'dropout',
      flag: 'dropout',
      range: [0, 0.5],
      log: false,
    });
    assert.equal(logScale('hidden=32:512'), true);
    assert.equal(logScale('hidden=32:64'), false);
  });

  const usage = (typed: string, pattern: RegExp) =>
    assert.throws(
      () => parseSweepSetting(typed),
      (e) => e instanceof SweepUsageError && pattern.test(e.message),
    );
  const badValue = (typed: string, pattern: RegExp) =>
    assert.throws(
      () => parseSweepSetting(typed),
      (e) => e instanceof SeqLabError && !(e instanceof SweepUsageError) && pattern.test(e.message),
    );

  it('what cannot be read is a usage error that says what to type', () => {
    usage('hidden', /^--set expects KEY=V1,V2,… or KEY=LO:HI, got "hidden"$/);
    usage('=1,2', /^--set expects KEY=/);
    usage('colour=1,2', /a sweep cannot vary "colour"; it varies cell, gru-form, hidden, .*lr/);
    usage('task=lm,tag', /cannot vary "task"/);
    usage('steps=10,20', /the budget is every run's: give --steps N/);
    usage('hidden=', /--set hidden lists no values/);
    usage('hidden=8,,16', /an empty value in "8,,16"/);
    usage('hidden=8,8', /--set hidden lists 8 twice/);
    usage('lr=fast,slow', /--set lr expects numbers, got "fast"/);
    usage('cell=rnn:lstm', /a range LO:HI is for numbers/);
    usage('lr=1e-2:1e-4', /needs LO < HI/);
    usage('lr=1:2:3', /a range is LO:HI/);
  });

  it("a value outside the option's range names the flag and the allowed values", () => {
    badValue('hidden=0,8', /^--set hidden must be a whole number from 1 to 4096 \(got 0\)$/);
    badValue('hidden=8.5', /whole number/);
    badValue('cell=rnn,cnn', /^--set cell must be rnn, gru or lstm \(got "cnn"\)$/);
    badValue('dropout=0:1', /^--set dropout must be a number in \[0, 1\) \(got 1\)$/);
    badValue('peephole=yes', /must be true or false/);
  });

  it('each setting once', () => {
    assert.throws(() => parseSweepSettings(['lr=1,2', 'hidden=4', 'lr=3']), /--set lr is given twice/);
  });
});

describe('sweep grid', () => {
  it('every combination, the first setting varying slowest', () => {
    const axes = parseSweepSettings(['hidden=64,128', 'lr=1e-3,3e-3', 'cell=gru']);
    assert.deepEqual(sweepGrid(axes), [
      { hidden: 64, lr: 0.001, cell: 'gru' },
      { hidden: 64, lr: 0.003, cell: 'gru' },
      { hidden: 128, lr: 0.001, cell: 'gru' },
      { hidden: 128, lr: 0.003, cell: 'gru' },
    ]);
    assert.deepEqual(sweepPoints(axes, undefined, 1), sweepGrid(axes));
  });

  it(`at most ${MAX_SWEEP_RUNS} runs; a range needs --random`, () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1).join(',');
    const big = parseSweepSettings([`hidden=${hundred}`, 'layers=1,2,3,4,5,6,7,8', 'cell=rnn,gru']);
    assert.throws(() => sweepGrid(big), /the grid has 1600 runs \(100 × 8 × 2\), more than 1000/);
    assert.equal(sweepGrid(parseSweepSettings([`hidden=${hundred}`, 'seed=1,2,3,4,5,6,7,8,9,10'])).length, 1000);
    assert.throws(
      () => sweepGrid(parseSweepSettings(['hidden=8,16', 'lr=1e-4:1e-2'])),
      (e) => e instanceof SweepUsageError && /--set lr is a range: give --random N/.test(e.message),
    );
  });
});

describe('sweep random draws', () => {
  const axes = parseSweepSettings([
    'lr=1e-4:1e-2',
    'dropout=0:0.5',
    'hidden=16:256',
    'layers=1:3',
    'cell=rnn,gru,lstm',
  ]);

  it('the same draws for the same seed, others for another', () => {
    assert.deepEqual(sweepRandom(axes, 20, 7), sweepRandom(axes, 20, 7));
    assert.notDeepEqual(sweepRandom(axes, 20, 7), sweepRandom(axes, 20, 8));
    assert.deepEqual(sweepPoints(axes, 20, 7), sweepRandom(axes, 20, 7));
  });

  it('every draw within its range, whole numbers for integer options, 3 significant digits for others', () => {
    const draws = sweepRandom(axes, 500, 3);
    assert.equal(draws.length, 500);
    for (const d of draws) {
      assert.deepEqual(Object.keys(d), ['lr', 'dropout', 'hidden', 'layers', 'cell']);
      const lr = d.lr as number,
        dropout = d.dropout as number;
      assert.ok(lr >= 1e-4 && lr <= 1e-2 && Number(lr.toPrecision(3)) === lr, `lr ${lr}`);
      assert.ok(dropout >= 0 && dropout <= 0.5 && Number(dropout.toPrecision(3)) === dropout, `dropout ${dropout}`);
      assert.ok(Number.isInteger(d.hidden) && (d.hidden as number) >= 16 && (d.hidden as number) <= 256);
      assert.ok([1, 2, 3].includes(d.layers as number));
      assert.ok(['rnn', 'gru', 'lstm'].includes(d.cell as string));
    }
    // Every value of a small integer range and of a list is drawn.
    assert.deepEqual([...new Set(draws.map((d) => d.layers))].sort(), [1, 2, 3]);
    assert.deepEqual([...new Set(draws.map((d) => d.cell))].sort(), ['gru', 'lstm', 'rnn']);
  });

  it('log-uniform over decades: half the draws below the geometric mean; uniform otherwise: half below the mean', () => {
    const draws = sweepRandom(axes, 1000, 11);
    const below = (f: (d: (typeof draws)[number]) => boolean) => draws.filter(f).length / draws.length;
    // A uniform draw on [1e-4, 1e-2] would put only 9 % below 1e-3.
    const lrBelow = below((d) => (d.lr as number) < 1e-3);
    assert.ok(lrBelow > 0.45 && lrBelow < 0.55, `lr below 1e-3: ${lrBelow}`);
    const dropoutBelow = below((d) => (d.dropout as number) < 0.25);
    assert.ok(dropoutBelow > 0.45 && dropoutBelow < 0.55, `dropout below 0.25: ${dropoutBelow}`);
  });

  it('refuses a count out of range, and lists alone that a grid would cover', () => {
    assert.throws(() => sweepRandom(axes, 0, 1), /--random must be a whole number from 1 to 1000 \(got 0\)/);
    assert.throws(() => sweepRandom(axes, 1001, 1), /--random must be/);
    const lists = parseSweepSettings(['hidden=8,16', 'lr=1e-3,3e-3']);
    assert.throws(
      () => sweepRandom(lists, 4, 1),
      (e) => e instanceof SweepUsageError && /grid has only 4 runs: leave out --random/.test(e.message),
    );
    assert.equal(sweepRandom(lists, 3, 1).length, 3);
  });
});

describe('sweep configurations and results', () => {
  it('a point sets model and training fields; an embedding size sets the input', () => {
    const axes = parseSweepSettings(['embedding=0,16', 'seq-len=8', 'cell=gru']);
    const [onehot, embedded] = sweepGrid(axes).map((p) => sweptConfig(axes, p));
    assert.deepEqual(onehot, { model: { embedSize: 0, input: 'onehot', cell: 'gru' }, train: { seqLength: 8 } });
    assert.deepEqual(embedded.model, { embedSize: 16, input: 'embedding', cell: 'gru' });
  });

  const result = (run: number, best: number | null, extra: Partial<SweepResult> = {}): SweepResult => ({
    run,
    settings: { cell: 'gru', lr: 0.001 * run },
    config: {
      model: { ...defaultModelConfig, vocabSize: 10, classes: 10 },
      train: defaultTrainConfig,
    },
    status: 'finished',
    bestValLoss: best,
    finalValLoss: best,
    steps: 20,
    seconds: 1.5,
    charsPerSec: 1000,
    checkpoint: `out/run-00${run}.safetensors`,
    ...extra,
  });

  it('the best run has the lowest best validation loss; runs without one never win', () => {
    assert.equal(bestRun([result(1, 2.5), result(2, 2.1), result(3, 2.3)]), 1);
    assert.equal(bestRun([result(1, null), result(2, 3)]), 1);
    assert.equal(bestRun([result(1, null)]), -1);
    assert.equal(bestRun([]), -1);
  });

  it('results.csv: a column per swept flag, then the results; empty cells for null, quotes where needed', () => {
    const csv = sweepCsv(
      [result(1, 2.5), result(2, null, { status: 'diverged', finalValLoss: null, checkpoint: 'a,"b".safetensors' })],
      ['cell', 'lr'],
    );
    assert.equal(
      csv,
      'run,cell,lr,status,bestValLoss,finalValLoss,steps,seconds,charsPerSec,checkpoint\n' +
        '1,gru,0.001,finished,2.5,2.5,20,1.5,1000,out/run-001.safetensors\n' +
        '2,gru,0.002,diverged,,,20,1.5,1000,"a,""b"".safetensors"\n',
    );
  });
});
