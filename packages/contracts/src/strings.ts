/**
 * The same text in a string of its own. Parsers hand out values as slices of the whole
 * response (a page of EC2's XML is about 3 MB); a slice kept for the length of a listing,
 * or longer, keeps that response alive with it, and a 100k-machine listing would pin every
 * page it read. Copy what outlives the page.
 */
export function ownCopy(s: string): string {
  // Concatenating makes a rope; slicing flattens it into a new string first, and the slice
  // then refers to that copy, never to the response.
  return ` ${s}`.slice(1);
}
