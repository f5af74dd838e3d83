import { VISITOR_ID_PATTERN } from '../../../contracts/src/ids';
import { getTranslation, type FormatMessage } from './getTranslation';

/** A visitor id's length bounds (docs/design.md, "Visitors and events": `[A-Za-z0-9_-]{16,64}`). */
export const VISITOR_ID_LENGTH = { min: 16, max: 64 } as const;

export type VisitorIdProblem =
  | { kind: 'short'; length: number }
  | { kind: 'long'; length: number }
  | { kind: 'characters'; characters: string[] };

const ALLOWED = /[A-Za-z0-9_-]/;

/**
 * What is wrong with a typed visitor id, or null when it is one (an empty field is not checked:
 * callers decide whether a visitor id is needed). Spaces around it are the caller's to trim.
 */
export const visitorIdProblem = (text: string): VisitorIdProblem | null => {
  if (text === '' || VISITOR_ID_PATTERN.test(text)) return null;
  const wrong = [...new Set([...text].filter((character) => !ALLOWED.test(character)))];
  if (wrong.length > 0) return { kind: 'characters', characters: wrong };
  return text.length < VISITOR_ID_LENGTH.min ? { kind: 'short', length: text.length } : { kind: 'long', length: text.length };
};

/** A visitor id problem in words, to show under the field. */
export const describeVisitorIdProblem = (problem: VisitorIdProblem, formatMessage: FormatMessage): string => {
  switch (problem.kind) {
    case 'short':
      return formatMessage(
        {
          id: getTranslation('visitorId.short'),
          defaultMessage: 'Too short: {length, plural, one {# character} other {# characters}}, a visitor id has {min} to {max}',
        },
        { length: problem.length, min: VISITOR_ID_LENGTH.min, max: VISITOR_ID_LENGTH.max }
      );
    case 'long':
      return formatMessage(
        {
          id: getTranslation('visitorId.long'),
          defaultMessage: 'Too long: {length, plural, one {# character} other {# characters}}, a visitor id has {min} to {max}',
        },
        { length: problem.length, min: VISITOR_ID_LENGTH.min, max: VISITOR_ID_LENGTH.max }
      );
    default:
      return formatMessage(
        {
          id: getTranslation('visitorId.characters'),
          defaultMessage: 'Only letters A–Z and a–z, digits, "_" and "-" are allowed (not {characters})',
        },
        { characters: problem.characters.map((character) => (character === ' ' ? '␠' : character)).join(' ') }
      );
  }
};
