// Every training kept as a run (src/extension/runArchive.ts): records and checkpoints, newest first, the
// cap per file that never removes a pinned run, damaged records skipped with one warning, renaming, and
// two writers (two windows) finishing runs of one file at once both keeping theirs.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelConfig, defaultTrainConfig } from '../../src/engine/config';
import { ArchivedRun, RunArchive, runEnding } from '../../src/extension/runArchive';
import type { RunView } from '../../src/protocol';

function view(runId: string): RunView {
  return {
    runId,
    title: 'story.txt — LSTM-32',
    level: 'char',
    startedAt: 1,
    state: 'done',
    message: 'Finished: 10 steps.',
    points: [
      {
        step: 10,
        totalSteps: 10,
        loss: 2,
        valLoss: 2.1,
        charsPerSec: 1000,
        etaSeconds: 0,
        lr: 0.01,
        gradNorm: 1,
        clipped: false,
        elapsedSeconds: 3,
      },
    ],
    sample: 'the cat',
    canResume: true,
    resumeLabel: '',
    clip: 5,
    task: 'lm',
    labels: [],
    scores: [],
  };
}

function run(id: string, endedAt: number, pinned = false): ArchivedRun {
  return {
    id,
    uri: 'file:///w/story.txt',
    fileName: 'story.txt',
    textSha256: 'ab'.repeat(32),
    name: '',
    pinned,
    endedAt,
    ended: 'finished',
    settings: { model: { ...defaultModelConfig, hidden: 32 }, train: defaultTrainConfig },
    view: view(id),
  };
}

describe('the run archive', () => {
  let folder: string, checkpoint: string, warnings: string[], archive: RunArchive;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'seqlab-runs-'));
    checkpoint = join(folder, 'model.safetensors');
    writeFileSync(checkpoint, 'weights');
    warnings = [];
    archive = new RunArchive((m) => warnings.push(m));
  });

  it('keeps each run with a copy of its checkpoint, newest first', () => {
    archive.add(folder, run('a', 1), checkpoint, 30);
    archive.add(folder, run('b', 2), checkpoint, 30);
    assert.deepEqual(
      archive.list(folder).map((r) => r.id),
      ['b', 'a'],
    );
    assert.ok(existsSync(archive.checkpointOf(folder, 'a')));
    assert.deepEqual(archive.list(folder)[1], run('a', 1), 'the record reads back as written');
  });

  it('keeps at most `keep` runs, the oldest unpinned going first with their checkpoints', () => {
    archive.add(folder, run('old-pinned', 1, true), checkpoint, 3);
    for (let i = 2; i <= 5; i++) archive.add(folder, run(`r${i}`, i), checkpoint, 3);
    assert.deepEqual(
      archive.list(folder).map((r) => r.id),
      ['r5', 'r4', 'old-pinned'],
    );
    assert.ok(!existsSync(archive.checkpointOf(folder, 'r2')), 'a removed run takes its checkpoint');
    assert.deepEqual(readdirSync(join(folder, 'runs')).length, 6, 'three records and three checkpoints');
  });

  it('skips a damaged record with one warning, and lists the rest', () => {
    archive.add(folder, run('good', 2), checkpoint, 30);
    writeFileSync(join(folder, 'runs', 'bad.json'), '{"id": "bad", "view": {');
    writeFileSync(join(folder, 'runs', 'odd.json'), JSON.stringify({ ...run('odd', 3), ended: 'exploded' }));
    assert.deepEqual(
      archive.list(folder).map((r) => r.id),
      ['good'],
    );
    archive.list(folder);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings.join('\n'), /bad\.json/);
    assert.match(warnings.join('\n'), /ended is unknown/);
  });

  it('renames, pins and deletes', () => {
    archive.add(folder, run('a', 1), checkpoint, 30);
    archive.update(folder, 'a', { name: 'wide', pinned: true });
    assert.deepEqual([archive.list(folder)[0].name, archive.list(folder)[0].pinned], ['wide', true]);
    archive.remove(folder, 'a');
    assert.deepEqual(archive.list(folder), []);
    assert.ok(!existsSync(archive.checkpointOf(folder, 'a')));
  });

  it('loses no run when two windows finish runs of one file at once', () => {
    const other = new RunArchive(() => undefined);
    for (let i = 0; i < 10; i++) {
      archive.add(folder, run(`w1-${i}`, 100 + 2 * i), checkpoint, 30);
      other.add(folder, run(`w2-${i}`, 101 + 2 * i), checkpoint, 30);
    }
    assert.equal(archive.list(folder).length, 20);
  });

  it('names how a run ended', () => {
    assert.equal(runEnding('done', 'Finished: 10 steps.'), 'finished');
    assert.equal(runEnding('stopped', 'Stopped at step 4.'), 'stopped');
    assert.equal(runEnding('failed', 'the loss became NaN at step 7'), 'diverged');
    assert.equal(runEnding('failed', 'the SeqLab worker stopped unexpectedly'), 'failed');
  });
});
