// The backend the engine uses by default: plain TypeScript float32.
import { Backend, jsBackend } from './kernels';

export function defaultBackend(): Backend {
  return jsBackend('f32');
}
