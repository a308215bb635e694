import { ModelConfig } from '../config';
import { Cell } from './cell';
import { gruCell } from './gru';
import { lstmCell } from './lstm';
import { rnnCell } from './rnn';

const gruTorch = gruCell('torch');
const gruCourse = gruCell('course');

export function cellFor(c: Pick<ModelConfig, 'cell' | 'gruForm'>): Cell {
  if (c.cell === 'lstm') return lstmCell;
  if (c.cell === 'rnn') return rnnCell;
  return c.gruForm === 'course' ? gruCourse : gruTorch;
}
