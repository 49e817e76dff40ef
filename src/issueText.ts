/**
 * Schema messages as tokor prints them. zod words a type error "Invalid input: expected number, received
 * undefined" (or "received Infinity", "received NaN"): JavaScript's names for an absent key or an overflowed
 * number, which are not what the file says. The caller tells what is absent ("missing") and shows the value
 * ("got …"), so the "received" part of those is dropped. Pure.
 */
export function issueText(message: string): string {
  return message.replace(/, received (undefined|-?Infinity|NaN)$/, '');
}

/**
 * A number that is not finite, as the reader should recognize it: a JSON file can only hold one as a literal
 * past the double range (1e309), which JSON.parse turns into Infinity.
 */
export function nonFiniteText(v: number): string {
  return Number.isNaN(v) ? 'not a number' : 'a number outside the double range (±1.8e308)';
}
