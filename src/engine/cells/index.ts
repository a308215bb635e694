import { ModelConfig } from '../config';
import { CellName, CellOps, MatrixOps } from '../backend';
import { Cell } from './cell';
import { gruCell, gruOps } from './gru';
import { lstmCell, lstmOps } from './lstm';
import { lstmPeepholeCell, lstmPeepholeOps } from './lstm-peephole';
import { rnnCell, rnnOps } from './rnn';

const gruTorch = gruCell('torch');
const gruCourse = gruCell('course');

export function cellFor(c: Pick<ModelConfig, 'cell' | 'gruForm' | 'peephole'>): Cell {
  if (c.cell === 'lstm') return c.peephole ? lstmPeepholeCell : lstmCell;
  if (c.cell === 'rnn') return rnnCell;
  return c.gruForm === 'course' ? gruCourse : gruTorch;
}

/** The reference code of every cell, on the matrix products of `k`. */
export function referenceCells(k: MatrixOps): Record<CellName, CellOps> {
  return {
    lstm: lstmOps(k),
    gru: gruOps(k, 'torch'),
    gruCourse: gruOps(k, 'course'),
    rnn: rnnOps(k),
    lstmPeephole: lstmPeepholeOps(k),
  };
}
