/** An error a user can act on: one clear line, no stack trace needed. */
export class SeqLabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeqLabError';
  }
}
