import { InputError } from '../../src/input/errors.ts';

/** The InputError an action throws; anything else it throws propagates, and throwing nothing is a failure. */
export function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}
