// The scales the editor colours the text with, their legends, and the character counting that maps
// VS Code's UTF-16 offsets to the model's characters.

import assert from 'node:assert/strict';
import { codePointIndex } from '../../src/extension/codePoints';
import {
  shownValue,
  SURPRISE_COLOURS,
  SURPRISE_EDGES,
  surpriseBucket,
  surpriseLegend,
  UNIT_COLOURS,
  unitBucket,
  unitLegend,
} from '../../src/extension/insideColours';

describe('the colouring of the text', () => {
  it('puts surprise into sequential buckets: none below 0.5 nats, the last from 6 nats up', () => {
    assert.equal(SURPRISE_EDGES.length, SURPRISE_COLOURS.length);
    assert.equal(surpriseBucket(0), 0);
    assert.equal(SURPRISE_COLOURS[surpriseBucket(0.49)], '');
    assert.equal(surpriseBucket(0.5), 1);
    assert.equal(surpriseBucket(2.5), 4);
    assert.equal(surpriseBucket(100), SURPRISE_COLOURS.length - 1);
    const buckets = [0.1, 0.7, 1.2, 1.7, 2.5, 3.5, 5, 9].map(surpriseBucket);
    assert.deepEqual(buckets, [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("reads a unit on a diverging scale: a<t> as it is, c<t> through tanh, a gate's [0, 1] around 0.5", () => {
    assert.equal(shownValue('h', -0.3), -0.3);
    assert.equal(shownValue('c', 2), Math.tanh(2));
    assert.equal(shownValue('gate:Γf', 0.9), 0.8);
    assert.equal(shownValue('gate:c̃', -0.5), -0.5, 'the candidate is a tanh: −1 … 1');
    assert.equal(UNIT_COLOURS[unitBucket('h', 0)], '', 'zero stays uncoloured');
    assert.equal(unitBucket('h', -1), 0);
    assert.equal(unitBucket('h', 1), UNIT_COLOURS.length - 1);
    assert.equal(unitBucket('gate:Γo', 0.5), unitBucket('h', 0));
    assert.ok(unitBucket('c', 10) === UNIT_COLOURS.length - 1 && unitBucket('c', -10) === 0);
  });

  it('has a legend line per colour, in nats or in the signal’s units', () => {
    assert.equal(surpriseLegend().split('<br>').length, SURPRISE_COLOURS.length);
    assert.match(surpriseLegend(), /6\+ nats$/);
    assert.equal(unitLegend('h').split('<br>').length, UNIT_COLOURS.length);
    assert.match(unitLegend('gate:Γf'), /0\.00 … 0\.13/);
    assert.match(unitLegend('c'), /tanh\(c\)/);
  });

  it('counts characters as code points where VS Code counts UTF-16 units', () => {
    const text = 'a😀b\né';
    assert.equal(codePointIndex(text, 0), 0);
    assert.equal(codePointIndex(text, 1), 1);
    assert.equal(codePointIndex(text, 3), 2, 'the emoji is one character in two units');
    assert.equal(codePointIndex(text, text.length), Array.from(text).length);
  });
});
