/** What every corpus case states: the problem, where it comes from, and why it is there. */
export interface CaseInput {
  /** Stable identifier, e.g. "cookbook-61-aT-Xinv-b"; ids are never reused. */
  id: string;
  /** Where the identity comes from: a Cookbook equation, a book section, a course, or "derived: ...". */
  source: string;
  /** The function, in matdiff's input language (DESIGN.md §2). */
  expr: string;
  /** The variable. */
  wrt: string;
  /** Declarations, as given to `--let`. */
  let?: string[];
  /** Definitions, as given to `--where`, in order. */
  where?: string[];
  note?: string;
}

export const MC = "Matrix Cookbook (2012-11-15)";
export const MN = "Magnus & Neudecker, Matrix Differential Calculus (3rd ed., 2019)";
