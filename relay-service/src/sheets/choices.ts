// What the shot sheets need from choice lists: the items of a list by name.
// The choice lists themselves (src/choices/) implement this; until one is
// wired in, no list is known and select values are only checked for shape.

export interface ChoiceSource {
  /** The list's current items, or null when there is no list by that name (then values are not checked against it). */
  items(list: string): Promise<string[] | null>;
}

export const NO_CHOICE_LISTS: ChoiceSource = {
  items: async () => null,
};
